// Connection diagnostics page: runs the probe against the servers in the form (or in the
// query string: ?ice=turn:host:3478?transport=udp,user,cred&ice=...&ws=wss://...&deadline=3000
// &policy=relay&run=1) and shows progress, the verdict and the full report.
// In an app of your own, import from 'convai-transport/probe'.
import { formatReport, probe, REASON_TEXT, type ProbeProgressEvent, type ProbeReport } from '../../probes/index.js';
import { parseIceServerSpec } from '../../probes/ice-server-spec.js';
import { hasTurnServer, policyFor, STUN_ONLY_NOTE } from '../../probes/policy.js';

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; }
main { max-width: 980px; margin: 0 auto; padding: 20px; }
h1 { font-size: 20px; margin: 0 0 12px; }
form { display: grid; grid-template-columns: 140px 1fr; gap: 8px 12px; background: #fff; padding: 14px; border-radius: 8px; border: 1px solid #dde1e6; }
label { font-weight: 600; padding-top: 4px; }
textarea, input[type=text], input[type=number], select { font: 13px ui-monospace, monospace; padding: 4px 6px; border: 1px solid #c4cad1; border-radius: 4px; }
textarea { min-height: 64px; }
.row { display: flex; gap: 16px; align-items: center; }
button { padding: 6px 16px; font-weight: 600; border-radius: 4px; border: 1px solid #2457c5; background: #2f6fed; color: #fff; cursor: pointer; }
button[disabled] { opacity: .5; }
.verdict { margin: 16px 0 8px; padding: 12px 14px; border-radius: 8px; font-size: 16px; font-weight: 600; }
.verdict.webrtc { background: #dcf5e3; border: 1px solid #5bbf7a; }
.verdict.webrtc-relay-tcp { background: #fff4d6; border: 1px solid #e0b34a; }
.verdict.websocket { background: #ffe8d9; border: 1px solid #e58b50; }
.verdict.none { background: #fde0e0; border: 1px solid #d9534f; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 8px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e6ea; font-size: 13px; }
td.ok { color: #1a7f37; font-weight: 600; } td.bad { color: #b42318; font-weight: 600; } td.warn { color: #9a6700; font-weight: 600; }
pre { background: #10151c; color: #d6dde6; padding: 10px; border-radius: 6px; overflow: auto; font-size: 12px; max-height: 260px; }
ul.reasons { margin: 4px 0 8px; }
.scope-note { background: #eef3fb; border: 1px solid #b9c9e6; border-radius: 6px; padding: 8px 10px; }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * `URL[,username,credential]` per line, the same syntax as the CLI's --ice-server: only the
 * first two commas split, so a credential may hold commas.
 */
function parseServers(text: string): RTCIceServer[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const { urls, username, credential } = parseIceServerSpec(line);
      return { urls, ...(username ? { username } : {}), ...(credential ? { credential } : {}) };
    });
}

function progressLine(event: ProbeProgressEvent): string {
  const t = `+${String(event.elapsedMs).padStart(5)} ms`;
  switch (event.type) {
    case 'check':
      return `${t} ${event.check}: ${event.status}`;
    case 'candidate':
      return `${t}   ${event.url}: ${event.candidate.type} ${event.candidate.protocol} ${event.candidate.address}:${event.candidate.port}`;
    case 'server':
      return `${t}   ${event.result.url}: ${event.result.outcome}`;
    case 'verdict':
      return `${t} verdict: ${event.verdict}`;
  }
}

function renderReport(report: ProbeReport, stunOnly: boolean): HTMLElement {
  const box = el('section');
  box.append(el('div', { className: `verdict ${report.verdict}`, textContent: `Verdict: ${report.verdict} (${report.durationMs} ms, policy ${report.policy})` }));
  box.firstElementChild?.setAttribute('data-verdict', report.verdict);
  if (stunOnly) box.append(el('p', { className: 'scope-note', textContent: STUN_ONLY_NOTE }));
  if (report.reasons.length) {
    box.append(el('ul', { className: 'reasons' }, ...report.reasons.map((code) => el('li', {}, el('b', { textContent: code }), ` ${REASON_TEXT[code]}`))));
  }
  const head = el('tr', {}, ...['Server', 'Kind', 'Transport', 'Outcome', 'Candidates', 'Time', 'Errors'].map((h) => el('th', { textContent: h })));
  const rows = report.checks.gathering.data.servers.map((s) =>
    el(
      'tr',
      {},
      el('td', { textContent: s.url }),
      el('td', { textContent: s.kind }),
      el('td', { textContent: s.transport }),
      el('td', { className: s.outcome === 'ok' || s.outcome === 'no-srflx' ? 'ok' : s.outcome === 'cancelled' ? 'warn' : 'bad', textContent: s.outcome }),
      el('td', { textContent: [...new Set(s.candidates.map((c) => c.type))].join(', ') || '-' }),
      el('td', { textContent: `${s.firstUsefulMs ?? s.durationMs} ms` }),
      el('td', { textContent: s.errors.map((e) => `${e.code} ${e.text}`).join('; ') || '-' }),
    ),
  );
  box.append(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
  const c = report.checks.connectivity;
  box.append(el('p', { textContent: c.status === 'skipped' ? 'Connectivity check: skipped' : `Connectivity check: ${c.data.ok ? `ok via ${c.data.via} relay, RTT ${c.data.rttMs} ms` : `failed: ${c.error ?? ''}`}` }));
  const ws = report.checks.websocket;
  if (ws) box.append(el('p', { textContent: `WebSocket ${ws.data.url}: ${ws.data.outcome}` }));
  box.append(el('h3', { textContent: 'Report (text, for support tickets)' }), el('pre', { className: 'report-text', textContent: formatReport(report) }));
  return box;
}

function mount(root: HTMLElement): void {
  const query = new URLSearchParams(location.search);
  document.head.append(el('style', { textContent: CSS }));
  // credentials typed here stay in this page: the report and progress never show them
  const servers = el('textarea', { name: 'ice', spellcheck: false, placeholder: 'turn:turn.example.com:3478?transport=udp,username,credential', value: query.getAll('ice').join('\n') });
  const ws = el('input', { type: 'text', name: 'ws', placeholder: 'wss://api.example.com/probe/ws (optional)', value: query.get('ws') ?? '' });
  const deadline = el('input', { type: 'number', name: 'deadline', value: query.get('deadline') ?? '3000', min: '1' });
  // 'auto' picks as the negotiator does: relay with a TURN server, all with STUN only
  const policy = el(
    'select',
    { name: 'policy' },
    el('option', { value: 'auto', textContent: 'auto (relay with TURN, as Convai connects; all with STUN only)' }),
    el('option', { value: 'relay', textContent: 'relay (TURN only)' }),
    el('option', { value: 'all', textContent: 'all' }),
  );
  const asked = query.get('policy');
  policy.value = asked === 'all' || asked === 'relay' ? asked : 'auto';
  const thorough = el('input', { type: 'checkbox', name: 'thorough', checked: query.get('quick') !== '1' });
  const run = el('button', { type: 'submit', textContent: 'Run probe' });
  const cancel = el('button', { type: 'button', textContent: 'Cancel', disabled: true });
  const form = el(
    'form',
    {},
    el('label', { textContent: 'ICE servers' }), servers,
    el('label', { textContent: 'WebSocket URL' }), ws,
    el('label', { textContent: 'Deadline (ms)' }), el('div', { className: 'row' }, deadline, policy, el('label', {}, thorough, ' test every server')),
    el('span'), el('div', { className: 'row' }, run, cancel),
  );
  const status = el('p', { className: 'status' });
  const log = el('pre', { className: 'progress' });
  const output = el('div', { className: 'output' });
  root.append(el('main', {}, el('h1', { textContent: 'Convai connection diagnostics' }), form, status, output, el('h3', { textContent: 'Progress' }), log));

  let controller: AbortController | undefined;
  cancel.onclick = () => controller?.abort();
  form.onsubmit = async (event) => {
    event.preventDefault();
    controller = new AbortController();
    run.disabled = true;
    cancel.disabled = false;
    log.textContent = '';
    output.replaceChildren();
    status.textContent = 'Running...';
    try {
      const iceServers = parseServers(servers.value);
      const stunOnly = iceServers.length > 0 && !hasTurnServer(iceServers);
      const report = await probe({
        iceServers,
        iceTransportPolicy: policy.value === 'all' || policy.value === 'relay' ? policy.value : policyFor(iceServers),
        deadlineMs: Number(deadline.value),
        thorough: thorough.checked,
        signal: controller.signal,
        ...(ws.value.trim() ? { wsUrl: ws.value.trim() } : {}),
        onProgress: (e) => {
          log.textContent += `${progressLine(e)}\n`;
        },
      });
      status.textContent = '';
      output.replaceChildren(renderReport(report, stunOnly));
    } catch (error) {
      // bad input: a ConfigError naming the field, before any network activity
      status.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
      status.setAttribute('data-error', (error as { field?: string }).field ?? 'unknown');
    } finally {
      run.disabled = false;
      cancel.disabled = true;
    }
  };
  if (query.get('run') === '1') form.requestSubmit();
}

mount(document.getElementById('app') ?? document.body.appendChild(document.createElement('div')));
