import type { PageName } from './build-pages.js';

/** Redirects to the diagnostics page with the local coturn filled in. */
export const DIAGNOSTICS_LOCAL = '/diagnostics-local';

/** Things to try, for the terminal and for the demo's index page. `url` is a page's URL. */
export function demoTips(pages: readonly { name: PageName; url: string }[], hasTurn: boolean): string[] {
  const page = (name: PageName): string | undefined => pages.find((p) => p.name === name)?.url;
  const vanilla = page('vanilla') ?? page('react') ?? '';
  const tips = [
    `Connect: press Connect; the widget says which transport it chose and why (here: WebRTC${hasTurn ? ' through the local coturn relay' : ', host candidates only'}).`,
    'Talk: type a message and press Enter; the bot answers "You said: …" and plays a short tone. The mic button mutes and unmutes.',
    `See the fallback: ${vanilla}?simulate=udp-blocked  (the probe gets a TURN/UDP server that never answers: WebSocket is chosen, reason "UDP blocked").`,
    'Block UDP in the browser itself: start Chromium with --webrtc-ip-handling-policy=disable_non_proxied_udp' +
      (hasTurn ? ' (only TURN over TCP is left: WebRTC stays, relayed over TURN/TCP, reason "UDP blocked").' : '.'),
    `Force a transport: ${vanilla}?transport=websocket  or  ?transport=livekit`,
  ];
  const react = page('react');
  if (react) tips.push(`React, connecting on mount under StrictMode (connects once): ${react}?autoConnect=1`);
  const diagnostics = page('diagnostics');
  if (!diagnostics) tips.push('Diagnostics page: not built (examples/diagnostics/index.html is missing).');
  else if (hasTurn) tips.push(`Diagnostics panel (verdict and advice, timeline, report to copy or download) against the local coturn: ${diagnostics.replace(/\/diagnostics\/$/, DIAGNOSTICS_LOCAL)}`);
  else tips.push(`Diagnostics panel (verdict and advice, timeline, report to copy or download): ${diagnostics}`);
  return tips;
}

const escape = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The page at `/`: links to the examples and the same tips as the terminal. */
export function demoIndexHtml(pages: readonly PageName[], hasTurn: boolean): string {
  const links = pages.map((p) => `<li><a href="/${p}/">${p}</a></li>`).join('');
  const tips = demoTips(pages.map((name) => ({ name, url: `/${name}/` })), hasTurn)
    .map((t) => `<li>${escape(t)}</li>`)
    .join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>convai-transport demo</title>' +
    '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:32px auto;padding:0 16px}li{margin:4px 0}</style>' +
    `</head><body><h1>convai-transport demo</h1><h2>Examples</h2><ul>${links}</ul><h2>What to try</h2><ol>${tips}</ol>` +
    `${hasTurn ? '' : '<p><strong>No TURN server:</strong> coturn is not installed (<code>apt-get install coturn</code>).</p>'}</body></html>`
  );
}
