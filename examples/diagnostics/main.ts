// Connection diagnostics page: a thin page around the panel from
// 'convai-transport/diagnostics'. Settings come from a shareable link
// (?ice=turn:host:3478?transport=udp&ice=...&ws=wss://...&deadline=3000&policy=relay&run=1),
// which never carries a credential; TURN credentials are typed into the form (or, under
// `npm run demo`, come from the demo server's /demo-config.json for its local coturn).
import { createDiagnosticsPanel, iceUrlsOf, readShareLink, type DiagnosticsPanelHandle } from 'convai-transport/diagnostics';

interface DemoConfig {
  readonly iceServers?: readonly RTCIceServer[];
  readonly backendUrl?: string;
}

const CSS = `
body{margin:0;background:#f6f7f9;color:#1d232b;font:14px/1.45 system-ui,sans-serif}
main{max-width:900px;margin:0 auto;padding:16px;display:flex;flex-direction:column;gap:14px}
h1{font-size:20px;margin:0}
form{display:grid;grid-template-columns:minmax(120px,160px) 1fr;gap:8px 12px;background:#fff;padding:14px;border-radius:10px;border:1px solid #d6dbe1}
form label{font-weight:600;padding-top:5px}
form textarea,form input,form select{font:13px ui-monospace,monospace;padding:6px;border:1px solid #c4cad1;border-radius:6px;min-width:0}
form button{justify-self:start;padding:7px 16px;border-radius:8px;border:1px solid #2157d6;background:#2157d6;color:#fff;font:inherit;cursor:pointer}
.error{color:#c62828;margin:0}
@media (max-width:560px){form{grid-template-columns:1fr}main{padding:0}}
@media (prefers-color-scheme:dark){body{background:#0f1114;color:#e6e9ed}form{background:#16191d;border-color:#333a42}}
`;

async function demoConfig(): Promise<DemoConfig> {
  try {
    const response = await fetch(new URL('/demo-config.json', location.href));
    return response.ok ? ((await response.json()) as DemoConfig) : {};
  } catch {
    return {};
  }
}

function field(form: HTMLFormElement, label: string, input: HTMLElement): void {
  const id = `f-${form.childElementCount}`;
  input.id = id;
  form.append(Object.assign(document.createElement('label'), { htmlFor: id, textContent: label }), input);
}

async function main(): Promise<void> {
  document.head.append(Object.assign(document.createElement('style'), { textContent: CSS }));
  const query = new URLSearchParams(location.search);
  const demo = await demoConfig();
  const demoServers = demo.iceServers ?? [];
  const shared = readShareLink(query);
  const known = demoServers.find((s) => typeof s.credential === 'string');
  const urls = shared.iceUrls.length ? shared.iceUrls : iceUrlsOf(demoServers);

  const form = document.createElement('form');
  // the panel's own check names the bad field; the browser's would only block the submit
  form.noValidate = true;
  form.setAttribute('aria-label', 'Check settings');
  const ice = Object.assign(document.createElement('textarea'), { name: 'ice', rows: 3, spellcheck: false, value: urls.join('\n'), placeholder: 'turn:turn.example.com:3478?transport=udp' });
  const user = Object.assign(document.createElement('input'), { name: 'username', autocomplete: 'off', value: known?.username ?? '' });
  // a property, not an attribute: the credential stays out of the page's markup
  const cred = Object.assign(document.createElement('input'), { name: 'credential', type: 'password', autocomplete: 'off' });
  cred.value = typeof known?.credential === 'string' ? known.credential : '';
  const ws = Object.assign(document.createElement('input'), { name: 'ws', value: shared.wsUrl ?? (demo.backendUrl ? `${demo.backendUrl.replace(/^http/, 'ws')}/probe/ws` : ''), placeholder: 'wss://api.example.com/probe/ws (optional)' });
  const deadline = Object.assign(document.createElement('input'), { name: 'deadline', type: 'number', min: '1', value: String(shared.deadlineMs ?? 3000) });
  const policy = document.createElement('select');
  policy.name = 'policy';
  // auto picks as the negotiator does: relay with a TURN server, all with STUN only
  policy.append(new Option('auto (relay with TURN, as Convai connects; all with STUN only)', 'auto'), new Option('relay (TURN only)', 'relay'), new Option('all', 'all'));
  policy.value = shared.policy ?? 'auto';
  field(form, 'STUN/TURN URLs (one a line)', ice);
  field(form, 'TURN username', user);
  field(form, 'TURN credential', cred);
  field(form, 'WebSocket URL', ws);
  field(form, 'Deadline (ms)', deadline);
  field(form, 'ICE policy', policy);
  form.append(document.createElement('span'), Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Apply settings' }));
  const error = Object.assign(document.createElement('p'), { className: 'error' });
  error.setAttribute('role', 'alert');
  const host = document.createElement('div');
  const main = document.createElement('main');
  main.append(Object.assign(document.createElement('h1'), { textContent: 'Convai connection diagnostics' }), form, error, host);
  document.body.append(main);

  let panel: DiagnosticsPanelHandle | undefined;
  const mount = (autoStart: boolean): void => {
    panel?.destroy();
    error.textContent = '';
    error.removeAttribute('data-field');
    const list = ice.value.split('\n').map((l) => l.trim()).filter(Boolean);
    // one credential for every TURN URL; STUN takes none
    const creds = user.value && cred.value ? { username: user.value, credential: cred.value } : {};
    const iceServers = list.map((url) => (/^turns?:/.test(url) ? { urls: url, ...creds } : { urls: url }));
    try {
      panel = createDiagnosticsPanel(host, {
        iceServers,
        deadlineMs: Number(deadline.value),
        ...(policy.value === 'all' || policy.value === 'relay' ? { policy: policy.value } : {}),
        autoStart,
        ...(ws.value.trim() ? { wsUrl: ws.value.trim() } : {}),
      });
      // the address bar becomes the shareable link: settings only
      if (panel.shareUrl) history.replaceState(null, '', panel.shareUrl);
    } catch (e) {
      // bad input: a ConfigError naming the field, before any network activity
      error.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
      error.setAttribute('data-field', (e as { field?: string }).field ?? 'unknown');
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    mount(false);
  });
  mount(query.get('run') === '1');
}

void main();
