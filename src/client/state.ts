/**
 * What the character is doing, as in the Convai Web SDK 1.2.0 (priority speaking >
 * listening > thinking > connected), plus `'connecting'` while a connect is under way
 * (1.2.0 says `'disconnected'` then).
 */
export type AgentState = 'disconnected' | 'connecting' | 'connected' | 'listening' | 'thinking' | 'speaking';

export interface ConvaiClientState {
  readonly isConnected: boolean;
  readonly isConnecting: boolean;
  /**
   * The user is speaking (from the server's `user-started-speaking` to its
   * `user-stopped-speaking`), so the character listens. As in the Convai Web SDK 1.2.0;
   * whether the mic is on is `audioControls.isAudioMuted`.
   */
  readonly isListening: boolean;
  /** The bot is producing a reply (between the user's turn and its first words). */
  readonly isThinking: boolean;
  /** The bot is speaking. */
  readonly isSpeaking: boolean;
  readonly agentState: AgentState;
}

export const DISCONNECTED_STATE: ConvaiClientState = Object.freeze({
  isConnected: false,
  isConnecting: false,
  isListening: false,
  isThinking: false,
  isSpeaking: false,
  agentState: 'disconnected',
});

/** Derives `agentState` from the flags, so the two can never disagree. */
export function deriveState(flags: Omit<ConvaiClientState, 'agentState'>): ConvaiClientState {
  let agentState: AgentState = 'disconnected';
  if (flags.isConnecting) agentState = 'connecting';
  else if (flags.isConnected) {
    agentState = flags.isSpeaking ? 'speaking' : flags.isListening ? 'listening' : flags.isThinking ? 'thinking' : 'connected';
  }
  return Object.freeze({ ...flags, agentState });
}

export function sameState(a: ConvaiClientState, b: ConvaiClientState): boolean {
  return (
    a.isConnected === b.isConnected &&
    a.isConnecting === b.isConnecting &&
    a.isListening === b.isListening &&
    a.isThinking === b.isThinking &&
    a.isSpeaking === b.isSpeaking
  );
}

type Flags = Omit<ConvaiClientState, 'agentState'>;

/**
 * The client's one state, written by the session lifecycle (connecting, connected)
 * and by the conversation (listening, thinking, speaking); `onChange` runs only when
 * something changed.
 */
export class StateCell {
  private current: ConvaiClientState = DISCONNECTED_STATE;

  constructor(private readonly onChange: (state: ConvaiClientState) => void) {}

  get value(): ConvaiClientState {
    return this.current;
  }

  /** Changes some flags and keeps the rest. */
  update(flags: Partial<Flags>): void {
    const next = deriveState({ ...this.current, ...flags });
    if (sameState(next, this.current)) return;
    this.current = next;
    this.onChange(next);
  }

  /** A connect under way: nothing of the previous session's flags survives. */
  connecting(): void {
    this.update({ isConnecting: true, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
  }

  connected(): void {
    this.update({ isConnecting: false, isConnected: true, isListening: false, isThinking: false, isSpeaking: false });
  }

  disconnected(): void {
    this.update({ isConnecting: false, isConnected: false, isListening: false, isThinking: false, isSpeaking: false });
  }
}
