/** What the page's peer connections say about the bot's audio and the path it took (getStats). */

export interface InboundAudio {
  readonly jitterMs: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly concealedSamples: number;
  readonly totalSamplesReceived: number;
  readonly jitterBufferDelayMs: number;
  readonly jitterBufferEmitted: number;
}

const NO_AUDIO_YET: InboundAudio = {
  jitterMs: Number.NaN,
  packetsReceived: 0,
  packetsLost: 0,
  concealedSamples: 0,
  totalSamplesReceived: 0,
  jitterBufferDelayMs: 0,
  jitterBufferEmitted: 0,
};

/**
 * The receiver of the bot's voice: of the client's audio sections only one carries it, and
 * Chromium reports an `inbound-rtp` only once a packet arrived (all zeros before).
 */
export async function inboundAudio(peers: readonly RTCPeerConnection[]): Promise<InboundAudio> {
  let best = NO_AUDIO_YET;
  for (const pc of peers) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s['type'] !== 'inbound-rtp' || s['kind'] !== 'audio') return;
      const packetsReceived = Number(s['packetsReceived'] ?? 0);
      if (packetsReceived < best.packetsReceived) return;
      best = {
        jitterMs: Number(s['jitter'] ?? Number.NaN) * 1000,
        packetsReceived,
        packetsLost: Number(s['packetsLost'] ?? 0),
        concealedSamples: Number(s['concealedSamples'] ?? 0),
        totalSamplesReceived: Number(s['totalSamplesReceived'] ?? 0),
        jitterBufferDelayMs: Number(s['jitterBufferDelay'] ?? 0) * 1000,
        jitterBufferEmitted: Number(s['jitterBufferEmittedCount'] ?? 0),
      };
    });
  }
  return best;
}

/** The selected candidate pair's local side on the open peer connection, as `type/relay protocol`. */
export async function selectedPath(peers: readonly RTCPeerConnection[]): Promise<string | undefined> {
  for (const pc of peers) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((s: Record<string, unknown>) => byId.set(String(s['id']), s));
    for (const s of byId.values()) {
      if (s['type'] !== 'transport' || typeof s['selectedCandidatePairId'] !== 'string') continue;
      const pair = byId.get(s['selectedCandidatePairId']);
      const local = pair && byId.get(String(pair['localCandidateId']));
      if (local) return `${String(local['candidateType'])}/${String(local['relayProtocol'] ?? local['protocol'])}`;
    }
  }
  return undefined;
}

