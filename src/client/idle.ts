import type { StateCell } from './state.js';

/**
 * Resolves once the bot is neither thinking nor speaking (between turns), after
 * `maxMs`, or when `signal` aborts, whichever comes first.
 */
export function waitForIdle(state: StateCell, signal: AbortSignal, maxMs: number): Promise<void> {
  const idle = (): boolean => !state.value.isThinking && !state.value.isSpeaking;
  if (idle() || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearInterval(poll);
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // the state has no idle event of its own; a short poll keeps StateCell free of listeners
    const poll = setInterval(() => idle() && done(), 50);
    const timer = setTimeout(done, maxMs);
    signal.addEventListener('abort', done, { once: true });
  });
}
