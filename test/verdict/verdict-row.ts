import type { Judgement, RunMeasure, WrongKind } from './judge.js';
import type { RelayStats } from './lossy-relay.js';
import type { VerdictReading } from './reading.js';

/** What the verdict rig measured for one condition (test/verdict/verdict-rig.ts). */
export interface VerdictRow {
  readonly condition: string;
  readonly label: string;
  /** Forced LiveKit reached bot-ready and the bot's echo came back. */
  readonly groundTruth: boolean;
  readonly livekit: RunMeasure;
  readonly websocket?: RunMeasure;
  readonly verdict: string | undefined;
  readonly reasons: readonly string[];
  /** From the negotiator's `probing` event to its `verdict` event; undefined when no probe ran (no RTCPeerConnection). */
  readonly verdictMs: number | undefined;
  readonly deadlineMs: number;
  /**
   * `verdictMs` is within its bound (plus the slack of closing the probe's peer connections):
   * the connect timeout when a LiveKit connect decided, else the probe's deadline.
   */
  readonly withinDeadline: boolean;
  readonly finalTransport: string | undefined;
  /** The transport the `verdict` event chose. */
  readonly chosenTransport?: string;
  readonly fallback?: string;
  readonly conversationOk: boolean;
  readonly auto: RunMeasure;
  readonly judgement: Judgement;
  readonly wrong: readonly WrongKind[];
  /** Set when every wrong kind is one the condition documents (`knownWrong`): why it happens. */
  readonly explained?: string;
  /** What the relay did, for impaired conditions. */
  readonly relay?: RelayStats;
  /** What the delaying relay in front of the backend did (`wholePath` conditions). */
  readonly backendRelay?: RelayStats;
  /** The `auto` result called its WebSocket choice provisional (WebRTC kept trying). */
  readonly provisional?: boolean;
  /** `auto`'s conversation 10 s after connect (absent when not read). */
  readonly reading?: VerdictReading;
}
