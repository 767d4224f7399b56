import { REASON_TEXT } from '../../probes/format-report.js';
import { STUN_ONLY_NOTE } from '../../probes/policy.js';
import type { CheckName, CheckStatus, ProbeReport, ServerResult } from '../../probes/types.js';
import { adviseOnReport } from '../../probes/advice.js';
import { OUTCOME_WORDS, laneLabel } from './timeline-model.js';

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style'>> & { readonly attrs?: Readonly<Record<string, string>> };

/** Creates an element; text always goes in as text, never as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, props: Props<K> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const { attrs, ...rest } = props;
  const el = Object.assign(doc.createElement(tag), rest);
  for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

export const STEPS: readonly { readonly check: CheckName; readonly label: string }[] = [
  { check: 'capability', label: 'Browser support' },
  { check: 'ice-gathering', label: 'STUN/TURN servers' },
  { check: 'connectivity', label: 'Relay connection' },
  { check: 'websocket', label: 'WebSocket' },
];

const STATUS_WORDS: Readonly<Record<CheckStatus, string>> = {
  idle: 'waiting',
  running: 'checking…',
  success: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  aborted: 'cancelled',
};

/** The panel's fixed parts; everything else is filled in by the render functions below. */
export interface PanelRefs {
  readonly root: HTMLElement;
  readonly run: HTMLButtonElement;
  readonly status: HTMLElement;
  readonly steps: ReadonlyMap<CheckName, HTMLElement>;
  readonly verdict: HTMLElement;
  readonly timeline: HTMLElement;
  readonly table: HTMLTableSectionElement;
  readonly copy: HTMLButtonElement;
  readonly download: HTMLButtonElement;
  readonly share: HTMLAnchorElement;
  readonly copyLink: HTMLButtonElement;
  readonly note: HTMLElement;
  readonly reportText: HTMLElement;
}

let counter = 0;

export function buildPanel(doc: Document, title: string, withWebSocket: boolean): PanelRefs {
  const id = `cvd-${(counter += 1)}`;
  const run = h(doc, 'button', { type: 'button', className: 'cvd-run cvd-primary', textContent: 'Run check' });
  const status = h(doc, 'p', { className: 'cvd-status', textContent: 'Ready: press Run check.', attrs: { role: 'status', 'aria-live': 'polite' } });
  const steps = new Map<CheckName, HTMLElement>();
  const list = h(doc, 'ol', { className: 'cvd-steps', attrs: { 'aria-label': 'Progress' } });
  for (const step of STEPS) {
    if (step.check === 'websocket' && !withWebSocket) continue;
    const state = h(doc, 'span', { className: 'cvd-step-state', textContent: STATUS_WORDS.idle });
    const li = h(doc, 'li', { className: 'cvd-step', attrs: { 'data-check': step.check, 'data-status': 'idle' } }, h(doc, 'span', { textContent: step.label }), state);
    steps.set(step.check, li);
    list.append(li);
  }
  const verdict = h(doc, 'div', { className: 'cvd-verdict', hidden: true, attrs: { 'aria-labelledby': `${id}-verdict` } });
  verdict.id = `${id}-verdict-box`;
  const timeline = h(doc, 'div', { className: 'cvd-tl-box' });
  const key = (cls: string, text: string): HTMLElement =>
    h(doc, 'li', {}, h(doc, 'span', { className: 'cvd-key', attrs: { style: `background:var(--cvd-${cls})`, 'aria-hidden': 'true' } }), text);
  const legend = h(doc, 'ul', { className: 'cvd-legend', attrs: { 'aria-label': 'Legend' } }, key('host', 'host candidate'), key('srflx', 'server-reflexive (STUN)'), key('relay', 'relay (TURN)'), key('err', '× error'));
  const tbody = h(doc, 'tbody', {}, emptyRow(doc, 'No results yet.'));
  const head = h(doc, 'tr', {}, ...['Server', 'Result', 'Candidates', 'Time', 'Errors'].map((t) => h(doc, 'th', { textContent: t, attrs: { scope: 'col' } })));
  const table = h(doc, 'table', { className: 'cvd-table' }, h(doc, 'caption', { textContent: 'Servers' }), h(doc, 'thead', {}, head), tbody);
  const copy = h(doc, 'button', { type: 'button', className: 'cvd-copy', textContent: 'Copy report', disabled: true });
  const download = h(doc, 'button', { type: 'button', className: 'cvd-download', textContent: 'Download JSON', disabled: true });
  const share = h(doc, 'a', { className: 'cvd-link cvd-share', textContent: 'Shareable link', attrs: { 'aria-describedby': `${id}-share-hint` } });
  const copyLink = h(doc, 'button', { type: 'button', className: 'cvd-copy-link', textContent: 'Copy link' });
  const hint = h(doc, 'span', { className: 'cvd-note', id: `${id}-share-hint`, textContent: 'The link carries the settings, never a password.' });
  const note = h(doc, 'p', { className: 'cvd-note cvd-feedback', attrs: { role: 'status', 'aria-live': 'polite' } });
  const reportText = h(doc, 'pre', { className: 'cvd-report', tabIndex: 0, attrs: { 'aria-label': 'Text report' } });
  const root = h(
    doc,
    'section',
    { className: 'cvd', attrs: { 'aria-labelledby': `${id}-title`, 'data-state': 'idle' } },
    h(doc, 'div', { className: 'cvd-head' }, h(doc, 'h2', { className: 'cvd-title', id: `${id}-title`, textContent: title }), run),
    status,
    list,
    verdict,
    h(doc, 'figure', { className: 'cvd-figure' }, h(doc, 'figcaption', { className: 'cvd-section', textContent: 'Timeline' }), timeline, legend),
    h(doc, 'div', { className: 'cvd-table-wrap', tabIndex: 0, attrs: { role: 'region', 'aria-label': 'Servers table' } }, table),
    h(doc, 'div', { className: 'cvd-share-row' }, copy, download, share, copyLink, hint),
    note,
    h(doc, 'details', {}, h(doc, 'summary', { textContent: 'Text report' }), reportText),
  );
  return { root, run, status, steps, verdict, timeline, table: tbody, copy, download, share, copyLink, note, reportText };
}

function emptyRow(doc: Document, text: string): HTMLTableRowElement {
  return h(doc, 'tr', {}, h(doc, 'td', { colSpan: 5, className: 'cvd-empty', textContent: text }));
}

export function setStep(refs: PanelRefs, check: CheckName, status: CheckStatus): void {
  const li = refs.steps.get(check);
  if (!li) return;
  li.setAttribute('data-status', status);
  li.querySelector('.cvd-step-state')!.textContent = STATUS_WORDS[status];
}

export function renderVerdict(doc: Document, refs: PanelRefs, report: ProbeReport, stunOnly: boolean): void {
  const advice = adviseOnReport(report);
  const box = refs.verdict;
  box.hidden = false;
  box.setAttribute('data-tone', advice.tone);
  box.setAttribute('data-verdict', report.verdict);
  const headline = h(doc, 'p', { className: 'cvd-headline', textContent: advice.headline });
  headline.id = box.getAttribute('aria-labelledby') ?? '';
  const children: Node[] = [headline];
  if (advice.actions.length) children.push(h(doc, 'ul', { className: 'cvd-todo', attrs: { 'aria-label': 'What to do' } }, ...advice.actions.map((a) => h(doc, 'li', { textContent: a }))));
  children.push(h(doc, 'p', { className: 'cvd-consequence', textContent: advice.consequence }));
  if (stunOnly) children.push(h(doc, 'p', { className: 'cvd-scope', textContent: STUN_ONLY_NOTE }));
  if (report.reasons.length) {
    const codes = report.reasons.map((code) => h(doc, 'abbr', { textContent: code, title: REASON_TEXT[code] }));
    children.push(h(doc, 'p', { className: 'cvd-codes' }, 'Codes for support: ', ...codes.flatMap((c, i) => (i ? [', ', c] : [c]))));
  }
  box.replaceChildren(...children);
}

const tone = (s: ServerResult): string => (s.outcome === 'ok' || s.outcome === 'no-srflx' ? 'ok' : s.outcome === 'cancelled' ? 'skip' : 'bad');

export function renderTable(doc: Document, refs: PanelRefs, servers: readonly ServerResult[]): void {
  if (servers.length === 0) return refs.table.replaceChildren(emptyRow(doc, 'No server was checked (WebRTC is not available here).'));
  refs.table.replaceChildren(
    ...servers.map((s) => {
      const types = [...new Set(s.candidates.map((c) => c.type))];
      return h(
        doc,
        'tr',
        { attrs: { 'data-outcome': s.outcome } },
        h(doc, 'th', { scope: 'row', className: 'cvd-url', textContent: laneLabel(s.url, s.kind, s.transport) }),
        h(doc, 'td', { textContent: OUTCOME_WORDS[s.outcome], attrs: { 'data-tone': tone(s) } }),
        h(doc, 'td', { textContent: types.length ? `${s.candidates.length} (${types.join(', ')})` : '0' }),
        h(doc, 'td', { textContent: `${s.firstUsefulMs ?? s.durationMs} ms` }),
        h(doc, 'td', { textContent: s.errors.map((e) => `${e.code} ${e.text}`.trim()).join('; ') || '–' }),
      );
    }),
  );
}
