import { ConfigError } from '../errors/config-error.js';
import { formatReport } from '../../probes/format-report.js';
import { probe } from '../../probes/probe.js';
import type { ProbeProgressEvent, ProbeReport } from '../../probes/types.js';
import { resolveProbeOptions } from '../../probes/validate.js';
import { hasTurnServer, policyFor } from '../../probes/policy.js';
import { injectDiagnosticsStyles } from './panel-css.js';
import { buildPanel, renderTable, renderVerdict, setStep } from './panel-view.js';
import { copyText, downloadJson } from './report-export.js';
import { buildShareLink, iceUrlsOf } from './share-link.js';
import { timelineFromEvents, timelineFromReport, type TimelineModel } from './timeline-model.js';
import { renderTimeline } from './timeline-svg.js';
import { adviseOnReport } from '../../probes/advice.js';

export interface DiagnosticsPanelOptions {
  /**
   * STUN/TURN servers to check, as the session will use them. Credentials are used for the
   * check only: the panel never shows them, nor puts them in a report or a link.
   * @example [{ urls: ['turn:turn.example.com:3478?transport=udp'], username: 'u', credential: 'p' }]
   */
  readonly iceServers: readonly RTCIceServer[];
  /** Also check that a WebSocket to this URL opens and answers. @example 'wss://api.example.com/probe/ws' */
  readonly wsUrl?: string;
  /** Upper bound of the check. @default 3000 */
  readonly deadlineMs?: number;
  /**
   * The ICE policy to test. By default it is picked as the negotiator picks it: `'relay'` with a
   * TURN server (as Convai connects), `'all'` with STUN servers only (no relay can exist then).
   * @default 'relay' with a TURN server, else 'all'
   */
  readonly policy?: 'relay' | 'all';
  /** Run as soon as the panel is created. @default false */
  readonly autoStart?: boolean;
  /** Test every server to the end instead of stopping at the first path that works. @default true */
  readonly thorough?: boolean;
  /** @default 'Network check for voice' */
  readonly title?: string;
  /**
   * Page the shareable link points to; its own query is dropped. `false` hides the link.
   * @default the current page (`location.href`)
   */
  readonly shareBaseUrl?: string | false;
  /** Called with each finished report. */
  readonly onReport?: (report: ProbeReport) => void;
}

export interface DiagnosticsPanelHandle {
  /** Runs the check (cancelling one under way) and resolves with its report. */
  run(): Promise<ProbeReport>;
  /** Cancels a check under way; its report then says `ABORTED`. */
  cancel(): void;
  /** Cancels, removes the panel's DOM and every listener. The handle is dead afterwards. */
  destroy(): void;
  /** The last finished report, if any. */
  readonly report: ProbeReport | undefined;
  readonly running: boolean;
  /** The shareable link (settings only, no credential), or undefined when hidden. */
  readonly shareUrl: string | undefined;
}

const DEFAULTS = { deadlineMs: 3_000, autoStart: false, thorough: true, title: 'Network check for voice' } as const;

/**
 * Mounts a diagnostics panel in `element`: live progress, the verdict in plain words with
 * what to do, a timeline, the per-server table, copy/download of the report and a
 * shareable link. Bad options throw a `ConfigError` naming the field, before anything runs.
 * Imports the probe only: neither livekit-client nor Pipecat.
 */
export function createDiagnosticsPanel(element: HTMLElement, options: DiagnosticsPanelOptions): DiagnosticsPanelHandle {
  if (!element || typeof (element as { append?: unknown }).append !== 'function' || !element.ownerDocument) {
    throw new ConfigError('element', 'Expected `element` to be a DOM element to mount the panel in.');
  }
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'Expected the panel options to be an object.');
  if (options.policy !== undefined && options.policy !== 'relay' && options.policy !== 'all') {
    throw new ConfigError('policy', `Expected \`policy\` to be 'relay' or 'all', got ${JSON.stringify(options.policy)}.`);
  }
  const checked = {
    iceServers: options.iceServers,
    iceTransportPolicy: options.policy ?? 'relay',
    deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
    thorough: options.thorough ?? DEFAULTS.thorough,
    ...(options.wsUrl === undefined ? {} : { wsUrl: options.wsUrl }),
  };
  // fail fast, naming the field, before the panel exists
  resolveProbeOptions(checked);
  // as the negotiator picks it: with STUN only no relay can exist, so 'relay' could only say no
  const probeOptions = { ...checked, iceTransportPolicy: options.policy ?? policyFor(options.iceServers) };
  const stunOnly = options.iceServers.length > 0 && !hasTurnServer(options.iceServers);
  const doc = element.ownerDocument;
  const view = doc.defaultView;
  injectDiagnosticsStyles(doc);
  const refs = buildPanel(doc, options.title ?? DEFAULTS.title, options.wsUrl !== undefined);
  element.append(refs.root);

  const urls = iceUrlsOf(options.iceServers);
  const base = options.shareBaseUrl === false ? undefined : (options.shareBaseUrl ?? view?.location.href);
  const shareUrl = base === undefined ? undefined : buildShareLink(base, { iceUrls: urls, ...(options.wsUrl ? { wsUrl: options.wsUrl } : {}), deadlineMs: probeOptions.deadlineMs, ...(options.policy ? { policy: options.policy } : {}) });
  if (shareUrl) refs.share.href = shareUrl;
  else refs.share.parentElement?.replaceChildren(refs.copy, refs.download);

  let report: ProbeReport | undefined;
  let controller: AbortController | undefined;
  let destroyed = false;
  let model: TimelineModel = { spanMs: probeOptions.deadlineMs, lanes: [] };
  let liveNow = 0;
  let noteTimer: ReturnType<typeof setTimeout> | undefined;

  const drawTimeline = (): void => {
    const width = refs.timeline.clientWidth || 640;
    refs.timeline.replaceChildren(renderTimeline(doc, model, width, liveNow || model.spanMs));
  };
  const note = (text: string): void => {
    refs.note.textContent = text;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => (refs.note.textContent = ''), 6_000);
  };
  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => drawTimeline()) : undefined;
  resize?.observe(refs.timeline);

  const run = async (): Promise<ProbeReport> => {
    if (destroyed) throw new ConfigError('panel', 'The diagnostics panel was destroyed.');
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    const events: ProbeProgressEvent[] = [];
    refs.root.setAttribute('data-state', 'running');
    refs.run.textContent = 'Cancel';
    refs.status.textContent = 'Checking your network…';
    refs.verdict.hidden = true;
    refs.copy.disabled = true;
    refs.download.disabled = true;
    for (const check of refs.steps.keys()) setStep(refs, check, 'idle');
    liveNow = 0;
    model = timelineFromEvents(urls, [], probeOptions.deadlineMs);
    drawTimeline();
    let result: ProbeReport;
    try {
      result = await probe({
        ...probeOptions,
        signal: mine.signal,
        onProgress: (event) => {
          if (controller !== mine || destroyed) return;
          events.push(event);
          if (event.type === 'check') setStep(refs, event.check, event.status);
          liveNow = Math.max(liveNow, event.elapsedMs);
          model = timelineFromEvents(urls, events, Math.max(probeOptions.deadlineMs, liveNow));
          drawTimeline();
        },
      });
    } catch (error) {
      // the options were checked up front, so this is unexpected: never leave the panel "running"
      if (controller === mine) controller = undefined;
      refs.root.setAttribute('data-state', 'error');
      refs.run.textContent = 'Run check';
      refs.status.textContent = `The check could not run: ${error instanceof Error ? error.message : String(error)}`;
      throw error;
    }
    if (controller !== mine || destroyed) return result;
    controller = undefined;
    report = result;
    liveNow = 0;
    model = timelineFromReport(result);
    drawTimeline();
    for (const check of refs.steps.keys()) {
      const c = check === 'capability' ? result.checks.capability : check === 'ice-gathering' ? result.checks.gathering : check === 'connectivity' ? result.checks.connectivity : result.checks.websocket;
      if (c) setStep(refs, check, c.status);
    }
    renderVerdict(doc, refs, result, stunOnly);
    renderTable(doc, refs, result.checks.gathering.data.servers);
    refs.reportText.textContent = formatReport(result);
    refs.root.setAttribute('data-state', 'done');
    refs.root.setAttribute('data-verdict', result.verdict);
    refs.run.textContent = 'Run again';
    refs.status.textContent = `Done in ${(result.durationMs / 1000).toFixed(1)} s. ${adviseOnReport(result).headline}`;
    refs.copy.disabled = false;
    refs.download.disabled = false;
    try {
      options.onReport?.(result);
    } catch {
      // an app's listener must not break the panel
    }
    return result;
  };

  const onRun = (): void => {
    if (controller) controller.abort();
    else void run();
  };
  const onCopy = (): void => {
    if (!report) return;
    void copyText(doc, formatReport(report)).then((ok) => note(ok ? 'Report copied: paste it into your message to support.' : 'Copy failed: select the text report below and copy it.'));
  };
  const onDownload = (): void => {
    if (!report) return;
    downloadJson(doc, report);
    note('Report saved as a JSON file.');
  };
  const onCopyLink = (): void => {
    if (shareUrl) void copyText(doc, shareUrl).then((ok) => note(ok ? 'Link copied: it carries the settings, never a password.' : 'Copy failed: use the link itself.'));
  };
  refs.run.addEventListener('click', onRun);
  refs.copy.addEventListener('click', onCopy);
  refs.download.addEventListener('click', onDownload);
  refs.copyLink.addEventListener('click', onCopyLink);
  drawTimeline();
  if (options.autoStart ?? DEFAULTS.autoStart) void run();

  return {
    run,
    cancel: () => controller?.abort(),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      controller?.abort();
      controller = undefined;
      clearTimeout(noteTimer);
      resize?.disconnect();
      refs.run.removeEventListener('click', onRun);
      refs.copy.removeEventListener('click', onCopy);
      refs.download.removeEventListener('click', onDownload);
      refs.copyLink.removeEventListener('click', onCopyLink);
      refs.root.remove();
    },
    get report() {
      return report;
    },
    get running() {
      return controller !== undefined;
    },
    shareUrl,
  };
}
