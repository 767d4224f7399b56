import type { ConvaiClientConfig, TransportPreference } from 'convai-transport';

/** What `npm run demo` serves at `/demo-config.json` (a local, throwaway API key). */
export interface DemoConfig {
  readonly backendUrl: string;
  readonly apiKey: string;
  readonly characterId: string;
  /** A loopback UDP port where nothing listens: the dead TURN server of `?simulate=udp-blocked`. */
  readonly deadUdpPort?: number;
  /** `'all'` when the demo runs without coturn: no relay exists, host candidates must do. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** The local coturn, for the diagnostics page (the backend's `/connect` hands out the same). */
  readonly iceServers?: readonly RTCIceServer[];
}

export interface PageSetup {
  readonly config: ConvaiClientConfig;
  /** `?autoConnect=1`: connect on load (the React example uses it to show StrictMode connects once). */
  readonly autoConnect: boolean;
  /** Lines for the page to show: what this page was told to do. */
  readonly notes: readonly string[];
}

const TRANSPORTS: readonly TransportPreference[] = ['auto', 'livekit', 'websocket'];

/**
 * Reads the page's settings: query parameters first (`backend`, `apiKey`, `characterId`,
 * `transport`, `simulate`, `autoConnect`), then `/demo-config.json` from the demo server.
 * `?simulate=udp-blocked` hands the probe a TURN/UDP server that cannot answer (a
 * loopback port where nothing listens) and a short deadline, so the probe fails the way
 * it does behind a firewall that drops UDP, and the WebSocket path is taken.
 */
export async function loadPageSetup(location: Location = window.location): Promise<PageSetup> {
  const query = new URLSearchParams(location.search);
  let demo: Partial<DemoConfig> = {};
  if (!query.get('backend') || !query.get('apiKey')) {
    const response = await fetch(new URL('/demo-config.json', location.href));
    if (!response.ok) throw new Error(`No backend given: add ?backend=…&apiKey=… or run \`npm run demo\` (${response.status}).`);
    demo = (await response.json()) as DemoConfig;
  }
  const backendUrl = query.get('backend') ?? demo.backendUrl;
  const apiKey = query.get('apiKey') ?? demo.apiKey;
  if (!backendUrl || !apiKey) throw new Error('The demo config has no `backendUrl` or `apiKey`.');
  const transportParam = query.get('transport') ?? 'auto';
  if (!TRANSPORTS.includes(transportParam as TransportPreference)) {
    throw new Error(`?transport must be one of ${TRANSPORTS.join(', ')}; got '${transportParam}'.`);
  }
  const transport = transportParam as TransportPreference;
  const notes = [`Transport requested: ${transport}.`];
  if (transport === 'websocket') {
    // Forcing WebSocket means opting in to it, as the Convai Web SDK asks: the
    // subpath registers the Pipecat transport. Dynamic, so other pages never load it.
    await import('convai-transport/websocket');
  }
  const simulate = query.get('simulate');
  let simulation: Partial<ConvaiClientConfig> = {};
  if (simulate === 'udp-blocked') {
    const port = Number(query.get('deadPort') ?? demo.deadUdpPort ?? 9);
    simulation = {
      iceServers: [{ urls: `turn:127.0.0.1:${port}?transport=udp`, username: 'demo', credential: 'demo' }],
      negotiation: { probeDeadlineMs: 800, cache: false },
    };
    notes.push(`Simulating blocked UDP: the probe only gets a TURN/UDP server that never answers (port ${port}).`);
  } else if (simulate) {
    throw new Error(`Unknown ?simulate=${simulate}; the demo knows 'udp-blocked'.`);
  }
  return {
    config: {
      apiKey,
      characterId: query.get('characterId') ?? demo.characterId ?? 'demo-character',
      url: backendUrl,
      transport,
      ...(demo.iceTransportPolicy ? { iceTransportPolicy: demo.iceTransportPolicy } : {}),
      // the demo is about seeing the choice being made: do not reuse an earlier verdict
      negotiation: { cache: false },
      ...simulation,
    },
    autoConnect: query.get('autoConnect') === '1',
    notes,
  };
}
