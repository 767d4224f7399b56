export type AgentState = 'disconnected' | 'connecting' | 'listening' | 'thinking' | 'speaking';

export interface ConvaiClientState {
  readonly isConnected: boolean;
  readonly isConnecting: boolean;
  /** Connected with the microphone on. */
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
    agentState = flags.isSpeaking ? 'speaking' : flags.isThinking ? 'thinking' : 'listening';
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
