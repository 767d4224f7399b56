import { redact, redactUrl } from '../src/util/redact.js';
import { capabilityCheck } from './checks/capability.js';
import { connectivityCheck } from './checks/connectivity.js';
import { gatheringCheck } from './checks/ice-gathering.js';
import { websocketCheck } from './checks/websocket.js';
import type { ProbePeerConnectionConstructor } from './peer.js';
import { runCheck, type RunCheckOptions } from './run-check.js';
import type { CheckResult, ConnectivityData, ProbeOptions, ProbeProgressEvent, ProbeReport, WebSocketData } from './types.js';
import { redactReport } from './report-redaction.js';
import { resolveProbeOptions } from './validate.js';
import { bestClass, decideVerdict } from './verdict.js';

/** Share of the deadline gathering may use; the rest is kept for the connectivity check. */
const GATHER_SHARE = 0.6;

/**
 * Probes what the network allows: ICE gathering per STUN/TURN URL, a relay connectivity
 * check, and optionally WebSocket reachability; then a verdict under the session's ICE policy.
 * Rejects only on bad options (`ConfigError`, before any network activity); every network
 * outcome, abort included, is a resolved report. Everything it opens is closed when it settles.
 */
export async function probe(options: ProbeOptions): Promise<ProbeReport> {
  const resolved = resolveProbeOptions(options);
  const start = Date.now();
  const startedAt = new Date(start).toISOString();
  const caller = options.signal;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(caller?.reason);
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', onAbort, { once: true });
  const clean = (text: string): string => redact(text, resolved.secrets);
  const emit = (event: ProbeProgressEvent): void => {
    try {
      options.onProgress?.(event);
    } catch {
      // a faulty progress listener must not change the verdict
    }
  };
  const base = (name: RunCheckOptions['name'], timeoutMs: number) => ({
    name,
    signal: controller.signal,
    timeoutMs,
    probeStart: start,
    emit,
    redact: clean,
  });
  const elapsed = (): number => Date.now() - start;

  try {
    const wsNotNeeded = new AbortController();
    const wsUrl = resolved.wsUrl;
    const websocket = wsUrl
      ? runCheck({ ...base('websocket', resolved.deadlineMs), fallback: (): WebSocketData => ({ url: redactUrl(wsUrl), outcome: 'failed' }) }, (ctx) =>
          websocketCheck(ctx, { url: wsUrl, WebSocket: options.WebSocket ?? globalThis.WebSocket, notNeeded: wsNotNeeded.signal }),
        )
      : undefined;

    const ctorValue: unknown = options.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    const capability = await runCheck({ ...base('capability', resolved.deadlineMs), fallback: () => ({ rtcPeerConnection: false }) }, () =>
      capabilityCheck(ctorValue),
    );
    const ctor = ctorValue as ProbePeerConnectionConstructor;
    const gatherMs = resolved.connectivityCheck ? Math.max(1, Math.round(resolved.deadlineMs * GATHER_SHARE)) : resolved.deadlineMs;
    const gathering = capability.data.rtcPeerConnection
      ? await runCheck({ ...base('ice-gathering', gatherMs), fallback: () => ({ policy: resolved.policy, servers: [], early: false }) }, (ctx) =>
          gatheringCheck(ctx, {
            ctor,
            targets: resolved.targets,
            policy: resolved.policy,
            thorough: resolved.thorough,
            hostCandidates: resolved.hostCandidates,
            timedOut: ctx.timedOut,
            onCandidate: (url, candidate) => emit({ type: 'candidate', url, candidate, elapsedMs: elapsed() }),
            onServer: (result) => emit({ type: 'server', result, elapsedMs: elapsed() }),
            redact: clean,
          }),
        )
      : skipped('ice-gathering', elapsed(), { policy: resolved.policy, servers: [], early: false });

    const path = bestClass(gathering.data.servers, resolved.policy, true);
    let connectivity: CheckResult<ConnectivityData>;
    if (path !== 'none' && resolved.connectivityCheck && !controller.signal.aborted) {
      const via = path;
      const proven = gathering.data.servers.filter((s) => s.outcome === 'ok' && s.kind !== 'host' && (via === 'tcp' || s.kind === 'stun' || s.transport === 'udp'));
      const iceServers = proven.map((s) => {
        const target = resolved.targets.find((t) => t.url === s.url && t.serverIndex === s.serverIndex);
        return { urls: s.url, ...(target?.username === undefined ? {} : { username: target.username }), ...(target?.credential === undefined ? {} : { credential: target.credential }) };
      });
      connectivity = await runCheck(
        { ...base('connectivity', Math.max(1, resolved.deadlineMs - elapsed())), fallback: (): ConnectivityData => ({ ok: false, via }) },
        (ctx) => connectivityCheck(ctx, { ctor, iceServers, policy: resolved.policy, via }),
      );
    } else {
      connectivity = skipped('connectivity', elapsed(), { ok: false, via: 'none' });
    }

    const webrtcUsable = path !== 'none' && (connectivity.status === 'skipped' || connectivity.data.ok);
    if (webrtcUsable && !resolved.thorough) {
      // the verdict no longer depends on it: a healthy network should not wait for a slow socket
      wsNotNeeded.abort();
    }
    const ws = websocket ? await websocket : undefined;
    const aborted = controller.signal.aborted;
    const { verdict, reasons } = decideVerdict({ aborted, capability, gathering, connectivity, ...(ws ? { websocket: ws } : {}) });
    emit({ type: 'verdict', verdict, reasons, elapsedMs: elapsed() });
    const report: ProbeReport = {
      verdict,
      reasons,
      policy: resolved.policy,
      startedAt,
      durationMs: elapsed(),
      deadlineMs: resolved.deadlineMs,
      checks: { capability, gathering, connectivity, ...(ws ? { websocket: ws } : {}) },
    };
    // belt and braces: each check cleaned its own texts already
    return redactReport(report, clean);
  } finally {
    caller?.removeEventListener('abort', onAbort);
  }
}

function skipped<T>(name: CheckResult<T>['name'], at: number, data: T): CheckResult<T> {
  return { name, status: 'skipped', startedAtMs: at, durationMs: 0, data };
}
