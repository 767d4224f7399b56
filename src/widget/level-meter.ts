import type { ConvaiClient } from '../client/convai-client.js';

export interface LevelMeterTargets {
  /** Element whose `--cvw-level` (0..1) and `aria-valuenow` (0..100) follow the mic. */
  readonly mic: HTMLElement;
  /** The same for the bot's voice. */
  readonly bot: HTMLElement;
}

export interface LevelMeterOptions {
  /**
   * Meter the mic. The client does not expose its mic track, so the meter opens its
   * own capture of the default mic while connected with the mic on (the browser
   * shares the device; the permission is the one the session got).
   * @default true
   */
  readonly micMeter?: boolean;
}

interface Tap {
  readonly analyser: AnalyserNode;
  readonly source: MediaStreamAudioSourceNode;
  readonly owned?: MediaStream;
  readonly target: HTMLElement;
  lastAria: number;
}

const hasWebAudio = (): boolean => typeof AudioContext === 'function' && typeof MediaStream === 'function';

function setLevel(tap: Pick<Tap, 'target' | 'lastAria'>, level: number): number {
  tap.target.style.setProperty('--cvw-level', level.toFixed(3));
  // aria-valuenow in steps of 10: a screen reader must not hear 60 updates a second
  const aria = Math.round(level * 10) * 10;
  if (aria !== tap.lastAria) tap.target.setAttribute('aria-valuenow', String(aria));
  return aria;
}

/**
 * Drives two level meters from AnalyserNodes: the bot's audio track (the client's
 * `botAudioTrack` event) and the mic. Without Web Audio (Node, happy-dom) it does
 * nothing. Returns a function that stops every track it opened, closes its
 * AudioContext and cancels its animation frame.
 */
export function attachLevelMeters(
  client: ConvaiClient,
  targets: LevelMeterTargets,
  options: LevelMeterOptions = {},
): () => void {
  if (!hasWebAudio()) return () => {};
  let context: AudioContext | undefined;
  let frame: number | undefined;
  let closed = false;
  let micGeneration = 0;
  const taps: { mic?: Tap; bot?: Tap } = {};
  const buffer = new Float32Array(512);

  const ctx = (): AudioContext => {
    context ??= new AudioContext();
    // created outside a user gesture it may start suspended; resume is harmless otherwise
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    return context;
  };

  const drop = (which: 'mic' | 'bot'): void => {
    const tap = taps[which];
    if (!tap) return;
    delete taps[which];
    tap.source.disconnect();
    for (const track of tap.owned?.getTracks() ?? []) track.stop();
    setLevel(tap, 0);
  };

  const tick = (): void => {
    frame = undefined;
    if (closed) return;
    for (const tap of [taps.mic, taps.bot]) {
      if (!tap) continue;
      tap.analyser.getFloatTimeDomainData(buffer);
      let sum = 0;
      for (const sample of buffer) sum += sample * sample;
      // RMS of speech sits around 0.05-0.3; scale so normal speech fills most of the bar
      tap.lastAria = setLevel(tap, Math.min(1, Math.sqrt(sum / buffer.length) * 4));
    }
    if (taps.mic || taps.bot) schedule();
  };
  const schedule = (): void => {
    if (frame !== undefined || closed) return;
    frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(tick) : (setTimeout(tick, 50) as unknown as number);
  };

  const tap = (which: 'mic' | 'bot', stream: MediaStream, owned: boolean): void => {
    drop(which);
    const audio = ctx();
    const source = audio.createMediaStreamSource(stream);
    const analyser = audio.createAnalyser();
    analyser.fftSize = buffer.length;
    source.connect(analyser);
    taps[which] = { analyser, source, target: targets[which], lastAria: -1, ...(owned ? { owned: stream } : {}) };
    schedule();
  };

  let micOpening = false;
  const syncMic = async (): Promise<void> => {
    const want = options.micMeter !== false && client.state.isConnected && !client.audioControls.isAudioMuted;
    if (!want) {
      micGeneration += 1;
      return drop('mic');
    }
    if (taps.mic || micOpening || !navigator.mediaDevices?.getUserMedia) return;
    const generation = micGeneration;
    micOpening = true;
    let stale = false;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      // the mic went off, or the widget went away, while the capture was opening
      if (closed || generation !== micGeneration) {
        for (const track of stream.getTracks()) track.stop();
        stale = true;
        return;
      }
      tap('mic', stream, true);
    } catch {
      // no mic meter without a mic: the session reports its own mic errors
    } finally {
      micOpening = false;
      // it may have been switched off and on again meanwhile
      if (stale && !closed) void syncMic();
    }
  };

  const offs = [
    client.on('botAudioTrack', (track) => tap('bot', new MediaStream([track]), false)),
    client.on('stateChange', (state) => {
      // only an idle client has no bot track: a session adopted while connecting (the
      // negotiator's ready fallback) hands its track over before the client says connected
      if (!state.isConnected && !state.isConnecting) drop('bot');
      void syncMic();
    }),
    client.on('audioMuteChange', () => void syncMic()),
  ];
  void syncMic();

  return () => {
    closed = true;
    micGeneration += 1;
    for (const off of offs) off();
    drop('mic');
    drop('bot');
    if (frame !== undefined) {
      if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(frame);
      clearTimeout(frame);
    }
    void context?.close().catch(() => undefined);
  };
}
