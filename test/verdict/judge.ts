/** What one forced or auto run measured in Chromium. */
export interface RunMeasure {
  readonly ok: boolean;
  /** The transport it ended on (auto) or was forced to. */
  readonly transport?: string;
  /** Error code when the connect failed. */
  readonly code?: string;
  /** The bot's echo came back over the session. */
  readonly conversed: boolean;
  readonly elapsedMs: number;
}

export type Judgement = 'correct' | 'wrong' | 'no-transport-works';

/**
 * - `false-webrtc`: the probe said WebRTC, and a forced LiveKit session does not converse
 *   (the LiveKit-connect fallback may still have rescued the session: see `fallback`).
 * - `false-websocket`: the probe said WebSocket (or none) although forced LiveKit converses,
 *   and (when the rig read it) the conversation was still not on LiveKit at the reading,
 *   10 s after connect: a provisional WebSocket choice that the background upgrade moved
 *   onto LiveKit in time is what negotiator v2 is meant to do, not a wrong verdict.
 * - `no-conversation`: the session `auto` ended on does not converse, though some transport does.
 */
export type WrongKind = 'false-webrtc' | 'false-websocket' | 'no-conversation';

export interface JudgeInput {
  readonly verdict: string | undefined;
  readonly livekit: RunMeasure;
  /** Forced WebSocket, when measured. */
  readonly websocket?: RunMeasure;
  readonly auto: RunMeasure;
  /** The transport `auto`'s conversation was on at the reading (10 s after connect), when read. */
  readonly transportAtReading?: string;
}

const WEBRTC_VERDICTS = new Set(['webrtc', 'webrtc-relay-tcp']);

/**
 * Pure: measurements in, judgement out. Ground truth is the forced runs, never the
 * condition's name: a verdict is right when it picks what really converses.
 */
export function judge(input: JudgeInput): { judgement: Judgement; wrong: WrongKind[] } {
  const livekitWorks = input.livekit.ok && input.livekit.conversed;
  const websocketWorks = input.websocket ? input.websocket.ok && input.websocket.conversed : undefined;
  const saidWebrtc = input.verdict !== undefined && WEBRTC_VERDICTS.has(input.verdict);
  const wrong: WrongKind[] = [];
  if (saidWebrtc && !livekitWorks) wrong.push('false-webrtc');
  const onLivekitInTime = input.transportAtReading === 'livekit';
  if (!saidWebrtc && livekitWorks && !onLivekitInTime) wrong.push('false-websocket');
  const somethingWorks = livekitWorks || websocketWorks === true;
  if (somethingWorks && !(input.auto.ok && input.auto.conversed)) wrong.push('no-conversation');
  if (!somethingWorks && websocketWorks === false) {
    // neither transport can converse: no verdict can be right; what matters is a clean failure
    return { judgement: 'no-transport-works', wrong: [] };
  }
  return { judgement: wrong.length === 0 ? 'correct' : 'wrong', wrong };
}
