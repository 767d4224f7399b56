/**
 * Sends frames at the rate they play, as a real voice pipeline does (Pipecat's output
 * transports and LiveKit's audio sources both pace to a clock): frame `i` leaves at
 * `start + i * frameMs`. Each timer aims at the ideal instant, so a late timer on a loaded
 * machine is caught up by the next frames instead of drifting the whole reply later.
 */
export interface PacedPlayback {
  /** Stops sending; frames not yet sent are dropped. Idempotent. */
  stop(): void;
  /** Resolves once every frame was sent, or on `stop()`. */
  readonly done: Promise<void>;
}

export function paceFrames<T>(frames: readonly T[], frameMs: number, send: (frame: T, index: number) => void): PacedPlayback {
  if (!Number.isFinite(frameMs) || frameMs <= 0) throw new RangeError('frameMs: expected a positive number');
  const start = performance.now();
  let index = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const tick = (): void => {
    const now = performance.now();
    while (index < frames.length && start + index * frameMs <= now + 1) {
      send(frames[index]!, index);
      index += 1;
    }
    if (index >= frames.length) {
      finish();
      return;
    }
    timer = setTimeout(tick, Math.max(0, start + index * frameMs - performance.now()));
  };
  tick();
  return {
    stop: () => {
      clearTimeout(timer);
      index = frames.length;
      finish();
    },
    done,
  };
}
