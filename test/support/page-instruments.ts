import type { InboundMessage } from '../../src/messages/convai-messages.js';

/**
 * Instruments for test pages (bundled into the page, run in Chromium): wrap a
 * constructor to keep every instance, so a test can prove that what the library
 * opened is closed; and wait for the bot's reply. One copy for every page.
 */

type Tracked = 'RTCPeerConnection' | 'WebSocket' | 'AudioContext';
type Instance<K extends Tracked> = InstanceType<(typeof globalThis)[K]>;

/** Replaces `globalThis[name]` with a subclass that records each instance; returns the list. */
export function trackInstances<K extends Tracked>(name: K): Instance<K>[] {
  const instances: Instance<K>[] = [];
  const Native = globalThis[name] as unknown as (new (...args: never[]) => object) | undefined;
  // a page without the API (a webview test deletes RTCPeerConnection) has nothing to track
  if (!Native) return instances;
  const Tracking = class extends Native {
    constructor(...args: never[]) {
      super(...args);
      instances.push(this as unknown as Instance<K>);
    }
  };
  (globalThis as Record<string, unknown>)[name] = Tracking;
  return instances;
}

export function openPeerConnections(peers: readonly RTCPeerConnection[]): number {
  return peers.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length;
}

/** Polls `messages` (from index `after`) for the bot's `bot-llm-text`, up to `timeoutMs`. */
export async function waitForBotText(
  messages: readonly InboundMessage[],
  after: number,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const reply = messages.slice(after).find((m) => m.type === 'bot-llm-text');
    if (reply) return (reply.data as { text: string }).text;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/**
 * The peak level heard on audio tracks, each measured in an AudioContext of its own
 * (`Context`: pass the native constructor where the page wraps `AudioContext` to count
 * the library's). The context closes when its track ends.
 */
export function peakMeter(Context: typeof AudioContext = AudioContext): { watch(track: MediaStreamTrack): void; readonly peak: number } {
  let peak = 0;
  return {
    get peak() {
      return peak;
    },
    watch(track) {
      const context = new Context();
      const analyser = context.createAnalyser();
      context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        for (const v of samples) peak = Math.max(peak, Math.abs(v));
        if (track.readyState === 'ended') {
          clearInterval(timer);
          void context.close();
        }
      }, 10);
    },
  };
}
