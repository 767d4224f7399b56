import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { BackendService, ConnectContext } from './server.js';
import { isAllowedOrigin, refuseUpgrade, safeDecode, SessionTokens } from './http-guards.js';
import { PipecatFrameType, encodeAudioFrame, encodeMessageFrame } from '../../src/transports/pipecat-frames.js';
import { toneFrames } from './pipecat-bot-audio.js';

/** Fault injection for tests; may be changed between connects (`bot.faults.neverReady = true`). */
export interface PipecatBotFaults {
  /** Never answer `client-ready` with `bot-ready`. */
  neverReady?: boolean;
  /** Close each session (code 1011) this many ms after bot-ready. */
  closeAfterMs?: number;
  /** Send one undecodable binary frame this many ms after bot-ready. */
  garbageAfterMs?: number;
  /** Send a fatal RTVI `error` this many ms after bot-ready. */
  fatalErrorAfterMs?: number;
  /**
   * Send one oversized frame this many ms after bot-ready: a valid `bot-llm-text`
   * whose text is `oversizedBytes` long (a runaway LLM reply, or a hostile server).
   */
  oversizedAfterMs?: number;
  /** @default 4 MiB */
  oversizedBytes?: number;
}

export interface PipecatBotOptions {
  /** @default '/ws' (sessions live at `/ws/<character_session_id>`) */
  readonly path?: string;
  /** Length of the tone that stands in for speech in each reply. @default 300 */
  readonly toneMs?: number;
  /** @default 24000 (what Pipecat TTS services commonly emit; the client must honour it) */
  readonly audioSampleRate?: number;
  readonly faults?: PipecatBotFaults;
  readonly log?: (line: string) => void;
}

/** What a test can observe of one WebSocket session. */
export interface PipecatBotSessionStats {
  readonly id: string;
  open: boolean;
  clientReady: boolean;
  botReadySent: boolean;
  micFrames: number;
  micBytes: number;
  /** Sample rate the client announced in its audio frames. */
  micSampleRate: number | undefined;
  readonly texts: string[];
  clientMessages: number;
  malformedFrames: number;
  closeCode: number | undefined;
}

export interface PipecatBot extends BackendService {
  readonly faults: PipecatBotFaults;
  readonly sessions: readonly PipecatBotSessionStats[];
  /** Sessions whose socket is open now. */
  readonly connectedCount: number;
  /**
   * The `ws_url` for a session, with a one-time token (what `/connect` answers). Tests that
   * drive the bot without `/connect` get their URL here.
   */
  sessionUrl(wsBase: string, id: string): string;
  /** Session tokens issued so far (the latest 1000), for the fault suite's secrets scan. */
  readonly issuedTokens: readonly string[];
}

const MIC_FRAMES_PER_TRANSCRIPT = 50;

/**
 * A Pipecat bot that speaks the real wire (protobuf `pipecat.Frame`, RTVI messages in
 * `MessageFrame`s) so the Pipecat client cannot tell it from a real one: it answers
 * `client-ready` with `bot-ready`, echoes user text as an LLM reply with a tone as
 * speech, and counts mic audio. Malformed input gets an RTVI `error`, never a crash.
 */
export function createPipecatBot(options: PipecatBotOptions = {}): PipecatBot {
  const path = options.path ?? '/ws';
  const log = options.log ?? (() => {});
  const faults: PipecatBotFaults = { ...(options.faults ?? {}) };
  const sessions: PipecatBotSessionStats[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  // without a token from /connect any page that learns the port could open a session
  const tokens = new SessionTokens();
  const sessionUrl = (wsBase: string, id: string): string =>
    `${wsBase}${path}/${encodeURIComponent(id)}?token=${tokens.issue(id)}`;
  const tone = toneFrames(options.toneMs ?? 300, options.audioSampleRate ?? 24_000);

  const serve = (ws: WebSocket, id: string): void => {
    const stats: PipecatBotSessionStats = {
      id,
      open: true,
      clientReady: false,
      botReadySent: false,
      micFrames: 0,
      micBytes: 0,
      micSampleRate: undefined,
      texts: [],
      clientMessages: 0,
      malformedFrames: 0,
      closeCode: undefined,
    };
    sessions.push(stats);
    sockets.add(ws);
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (ms: number, fn: () => void): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (ws.readyState === ws.OPEN) fn();
      }, ms);
      timers.add(timer);
    };
    const send = (type: string, data: unknown, msgId: string = randomUUID()): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(encodeMessageFrame(JSON.stringify({ label: 'rtvi-ai', type, id: msgId, data })));
    };
    const reject = (why: string): void => {
      stats.malformedFrames += 1;
      send('error', { message: `malformed frame: ${why}`, fatal: false });
    };

    const onBotReady = (): void => {
      const f = faults;
      if (f.closeAfterMs !== undefined) later(f.closeAfterMs, () => ws.close(1011, 'fault: closeAfterMs'));
      if (f.garbageAfterMs !== undefined) later(f.garbageAfterMs, () => ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])));
      if (f.oversizedAfterMs !== undefined) {
        const size = f.oversizedBytes ?? 4 * 1024 * 1024;
        later(f.oversizedAfterMs, () => send('bot-llm-text', { text: 'x'.repeat(size) }));
      }
      if (f.fatalErrorAfterMs !== undefined) {
        later(f.fatalErrorAfterMs, () => send('error', { message: 'fault: fatal error', fatal: true }));
      }
    };

    const reply = (text: string): void => {
      send('bot-llm-started', {});
      send('bot-llm-text', { text: `You said: ${text}` });
      send('bot-llm-stopped', {});
      send('bot-started-speaking', {});
      for (const frame of tone.frames) ws.send(encodeAudioFrame(frame, tone.sampleRate));
      later(tone.durationMs, () => send('bot-stopped-speaking', {}));
    };

    const onRtvi = (message: { type: string; id?: unknown; data?: unknown }): void => {
      if (message.type === 'client-ready') {
        stats.clientReady = true;
        if (faults.neverReady) return;
        stats.botReadySent = true;
        send('bot-ready', { version: '2.1.0', about: { library: 'convai-transport local bot' } }, String(message.id ?? randomUUID()));
        onBotReady();
        return;
      }
      if (message.type !== 'client-message') return;
      stats.clientMessages += 1;
      const { t, d } = (message.data ?? {}) as { t?: unknown; d?: unknown };
      if (t === 'user_text_message') {
        const text = (d as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string') return reject('user_text_message without a string `text`');
        stats.texts.push(text);
        reply(text);
      }
    };

    const onAudio = (bytes: number, sampleRate: number): void => {
      stats.micFrames += 1;
      stats.micBytes += bytes;
      stats.micSampleRate = sampleRate;
      if (stats.micFrames === 1) send('user-started-speaking', {});
      if (stats.micFrames % MIC_FRAMES_PER_TRANSCRIPT === 0) {
        // a stand-in for STT: says how much audio arrived, so tests can see it flow
        send('user-transcription', {
          text: `[${stats.micFrames} audio frames]`,
          final: false,
          user_id: 'user',
          timestamp: new Date().toISOString(),
        });
      }
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return reject('text frame (the wire is binary protobuf)');
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      let frame;
      try {
        frame = PipecatFrameType.fromBinary(bytes, { readUnknownField: 'throw' }).frame;
      } catch {
        return reject('not a pipecat.Frame');
      }
      if (frame.oneofKind === 'audio') return onAudio(frame.audio.audio.byteLength, frame.audio.sampleRate);
      if (frame.oneofKind !== 'message') return;
      let message: unknown;
      try {
        message = JSON.parse(frame.message.data);
      } catch {
        return reject('MessageFrame.data is not JSON');
      }
      const m = message as { label?: unknown; type?: unknown };
      if (m?.label !== 'rtvi-ai' || typeof m.type !== 'string') return reject('not an RTVI message');
      onRtvi(message as { type: string });
    });
    ws.on('close', (code) => {
      stats.open = false;
      stats.closeCode = code;
      sockets.delete(ws);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      log(`pipecat session ${id} closed (${code}); mic frames ${stats.micFrames}`);
    });
    ws.on('error', () => ws.terminate());
  };

  return {
    name: 'pipecat-bot',
    transport: 'websocket',
    faults,
    sessions,
    get connectedCount() {
      return sockets.size;
    },
    connectFields(ctx: ConnectContext) {
      return { ws_url: sessionUrl(ctx.wsBase, ctx.characterSessionId) };
    },
    sessionUrl,
    get issuedTokens() {
      return tokens.issued;
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const url = req.url ?? '';
      const prefix = `${path}/`;
      if (!url.startsWith(prefix)) return false;
      const [rawId = '', query = ''] = url.slice(prefix.length).split('?');
      const id = safeDecode(rawId);
      if (id === undefined) {
        refuseUpgrade(socket, 400, 'Bad Request', 'malformed session id');
        return true;
      }
      if (!id) return false;
      // a page on another origin that learned the port must not open sessions
      if (!isAllowedOrigin(req.headers.origin, req.headers.host)) {
        refuseUpgrade(socket, 403, 'Forbidden', 'origin not allowed');
        return true;
      }
      if (!tokens.spend(id, new URLSearchParams(query).get('token'))) {
        refuseUpgrade(socket, 401, 'Unauthorized', 'a session token from /connect is required');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, id));
      return true;
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
