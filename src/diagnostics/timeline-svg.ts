import type { TimelineLane, TimelineMark, TimelineModel } from './timeline-model.js';

const SVG = 'http://www.w3.org/2000/svg';
const LANE_H = 38;
const AXIS_H = 22;
const PAD = 10;

type Attrs = Readonly<Record<string, string | number>>;

function node<K extends keyof SVGElementTagNameMap>(doc: Document, tag: K, attrs: Attrs = {}, text?: string): SVGElementTagNameMap[K] {
  const el = doc.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Round tick spacing (1, 2, 5 × 10^n ms) giving at most ~`max` ticks. */
export function tickStep(spanMs: number, max: number): number {
  const raw = spanMs / Math.max(1, max);
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}

const formatMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${Math.round(ms)} ms`);

function mark(doc: Document, m: TimelineMark, x: number, y: number): SVGElement {
  const group = node(doc, 'g', { class: `cvd-mark cvd-${m.kind} cvd-t-${m.tone}`, 'data-kind': m.kind });
  group.append(node(doc, 'title', {}, `${m.label} at ${formatMs(m.atMs)}`));
  if (m.kind === 'candidate') group.append(node(doc, 'circle', { cx: x, cy: y, r: 4.5 }));
  else if (m.kind === 'error') group.append(node(doc, 'path', { d: `M${x - 4},${y - 4}L${x + 4},${y + 4}M${x - 4},${y + 4}L${x + 4},${y - 4}` }));
  else group.append(node(doc, 'rect', { x: x - 1.5, y: y - 7, width: 3, height: 14, rx: 1 }));
  return group;
}

function lane(doc: Document, l: TimelineLane, index: number, x: (ms: number) => number, nowMs: number): SVGGElement {
  const top = AXIS_H + index * LANE_H;
  const barY = top + 26;
  const g = node(doc, 'g', { class: `cvd-lane cvd-lane-${l.group} cvd-t-${l.tone}`, 'data-lane': l.id, 'data-group': l.group });
  const end = l.endMs ?? nowMs;
  const outcome = l.marks.find((m) => m.kind === 'end') ?? l.marks.find((m) => m.kind === 'error');
  g.append(node(doc, 'text', { x: PAD, y: top + 13, class: 'cvd-lane-label' }, `${l.label}${l.endMs === undefined ? ' …' : outcome ? ` — ${outcome.label}` : ''}`));
  g.append(node(doc, 'rect', { x: x(l.startMs), y: barY - 3, width: Math.max(2, x(end) - x(l.startMs)), height: 6, rx: 3, class: 'cvd-bar' }));
  // errors and ends last, so a candidate never hides them
  const ordered = [...l.marks].sort((a, b) => Number(a.kind !== 'candidate') - Number(b.kind !== 'candidate'));
  for (const m of ordered) g.append(mark(doc, m, x(m.atMs), barY));
  return g;
}

/**
 * Draws the timeline as an inline SVG, sized to `width` CSS pixels so text keeps its size on
 * a phone. Hand-written: a few lanes of circles, crosses and bars need no charting library.
 * Colours come from the panel's CSS variables (`--cvd-*`).
 */
export function renderTimeline(doc: Document, model: TimelineModel, width: number, nowMs = model.spanMs): SVGSVGElement {
  const w = Math.max(280, Math.round(width));
  const h = AXIS_H + Math.max(1, model.lanes.length) * LANE_H + 6;
  const svg = node(doc, 'svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, class: 'cvd-timeline', role: 'img' });
  const span = Math.max(model.spanMs, nowMs, 1);
  const x = (ms: number): number => PAD + (Math.min(Math.max(ms, 0), span) / span) * (w - 2 * PAD);
  const ids = Math.random().toString(36).slice(2, 8);
  const title = node(doc, 'title', { id: `cvd-tl-title-${ids}` }, 'Timeline of the network check');
  const desc = node(
    doc,
    'desc',
    { id: `cvd-tl-desc-${ids}` },
    model.lanes
      .map((l) => `${l.label}: ${l.marks.filter((m) => m.kind === 'candidate').length} candidate(s), ${l.marks.find((m) => m.kind !== 'candidate')?.label ?? 'running'}`)
      .join('. '),
  );
  svg.setAttribute('aria-labelledby', `${title.id} ${desc.id}`);
  svg.append(title, desc);
  const axis = node(doc, 'g', { class: 'cvd-axis', 'aria-hidden': 'true' });
  const step = tickStep(span, Math.max(2, Math.floor(w / 80)));
  for (let t = 0; t <= span + 0.5; t += step) {
    axis.append(node(doc, 'line', { x1: x(t), x2: x(t), y1: AXIS_H - 4, y2: h - 4, class: 'cvd-grid' }));
    axis.append(node(doc, 'text', { x: x(t), y: 12, class: 'cvd-tick', 'text-anchor': t === 0 ? 'start' : 'middle' }, formatMs(t)));
  }
  svg.append(axis);
  if (model.lanes.length === 0) svg.append(node(doc, 'text', { x: PAD, y: AXIS_H + 20, class: 'cvd-lane-label' }, 'Waiting for the first result…'));
  model.lanes.forEach((l, i) => svg.append(lane(doc, l, i, x, nowMs)));
  return svg;
}
