import type { ConvaiClient } from '../client/convai-client.js';
import type { ConvaiClientState } from '../client/state.js';
import type { ChatMessage } from '../client/chat-log.js';
import type { NegotiationResult } from '../client/negotiation-types.js';
import { describeProgress, describeTransport, type TransportDescription } from './transport-text.js';

/** Everything a widget renders, as one immutable value (a `useSyncExternalStore` snapshot). */
export interface WidgetSnapshot {
  readonly state: ConvaiClientState;
  readonly messages: readonly ChatMessage[];
  readonly micMuted: boolean;
  /** The transport in use and why; set once connected. */
  readonly transport: TransportDescription | undefined;
  /** What the negotiator is doing while connecting ("Checking the network…"). */
  readonly progress: string | undefined;
  /** The last error, for people (codes stay on the error objects). */
  readonly error: string | undefined;
}

export interface WidgetActions {
  /** Connects when disconnected, disconnects otherwise. Errors land in `snapshot.error`. */
  toggleConnection(): Promise<void>;
  toggleMic(): Promise<void>;
  /** Sends trimmed text; false when there was nothing to send or sending failed. */
  send(text: string): Promise<boolean>;
}

function transportOf(result: NegotiationResult | undefined): TransportDescription | undefined {
  return result ? describeTransport(result) : undefined;
}

/**
 * The state both widgets (vanilla and React) render, derived from a `ConvaiClient`.
 * It listens to the client only while someone subscribes, and rebuilds its snapshot
 * from the client's getters on the first subscription, so nothing is missed in
 * between. Levels of the meters do not go through here: they change 60 times a
 * second and are written straight to the DOM (see `level-meter.ts`).
 */
export class WidgetModel implements WidgetActions {
  private snapshot: WidgetSnapshot;
  private readonly listeners = new Set<() => void>();
  private detach: (() => void)[] = [];

  constructor(readonly client: ConvaiClient) {
    this.snapshot = this.read(undefined, undefined);
  }

  readonly getSnapshot = (): WidgetSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.attach();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.release();
    };
  };

  private read(progress: string | undefined, error: string | undefined): WidgetSnapshot {
    const c = this.client;
    return Object.freeze({
      state: c.state,
      messages: c.chatMessages,
      micMuted: c.audioControls.isAudioMuted,
      transport: c.state.isConnected ? transportOf(c.lastNegotiation) : undefined,
      progress,
      error,
    });
  }

  private update(change: Partial<WidgetSnapshot>): void {
    this.snapshot = Object.freeze({ ...this.snapshot, ...change });
    for (const listener of [...this.listeners]) listener();
  }

  private attach(): void {
    const c = this.client;
    this.snapshot = this.read(this.snapshot.progress, this.snapshot.error);
    this.detach = [
      c.on('stateChange', (state) =>
        this.update({
          state,
          transport: state.isConnected ? transportOf(c.lastNegotiation) : undefined,
          ...(state.isConnecting ? {} : { progress: undefined }),
        }),
      ),
      c.on('negotiation', (event) =>
        event.phase === 'connected'
          ? this.update({ transport: transportOf(event.result), progress: undefined })
          : this.update({ progress: describeProgress(event), error: undefined }),
      ),
      c.on('messagesChange', (messages) => this.update({ messages })),
      c.on('audioMuteChange', (micMuted) => this.update({ micMuted })),
      c.on('error', (error) => this.update({ error: error.message })),
    ];
  }

  private release(): void {
    for (const off of this.detach) off();
    this.detach = [];
  }

  async toggleConnection(): Promise<void> {
    const { state } = this.client;
    if (state.isConnected || state.isConnecting) {
      await this.client.disconnect();
      return;
    }
    this.update({ error: undefined });
    try {
      await this.client.connect();
    } catch (error) {
      // the client emitted `error` already, unless it was an abort (the user disconnected)
      if (!this.snapshot.error && this.client.state.isConnected === false && !isAbort(error)) {
        this.update({ error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  async toggleMic(): Promise<void> {
    try {
      await this.client.audioControls.toggleAudio();
    } catch (error) {
      this.update({ error: error instanceof Error ? error.message : String(error) });
    }
  }

  async send(text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (!trimmed) return false;
    // never rejects; a failure arrives as an `error` event, which sets `snapshot.error`
    return this.client.sendUserTextMessage(trimmed);
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortedError';
}

/** The connect button's label for a state. */
export function connectLabel(state: ConvaiClientState): string {
  if (state.isConnecting) return 'Cancel';
  return state.isConnected ? 'Disconnect' : 'Connect';
}

/** A status line: the agent state, or what the negotiator is doing. */
export function statusText(snapshot: WidgetSnapshot): string {
  const { state } = snapshot;
  // progress also covers a mid-session handoff, when the client may still count as connected
  if (state.isConnecting || snapshot.progress) return snapshot.progress ?? 'Connecting…';
  switch (state.agentState) {
    case 'connected':
      return snapshot.micMuted ? 'Connected (mic off)' : 'Connected';
    case 'listening':
      return 'Listening';
    case 'thinking':
      return 'Thinking…';
    case 'speaking':
      return 'Speaking';
    case 'connecting':
      return 'Connecting…';
    default:
      return 'Disconnected';
  }
}

/** Who said a chat message, for people. */
export function speakerLabel(message: ChatMessage): string {
  switch (message.type) {
    case 'user':
      return 'You';
    case 'user-transcription':
      return 'You (voice)';
    case 'emotion':
      return 'Mood';
    default:
      return 'Bot';
  }
}
