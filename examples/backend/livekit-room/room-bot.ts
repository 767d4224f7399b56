import { DataPacket, DataPacket_Kind, UserPacket } from '@livekit/protocol';

/** A Convai data message as it travels: UTF-8 JSON `{type, data}`. */
export interface ConvaiWireMessage {
  readonly type: string;
  readonly data: unknown;
}

export interface BotIdentity {
  readonly sid: string;
  readonly identity: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Wraps a Convai message the way a LiveKit server forwards a participant's
 * `publishData`: a reliable `DataPacket` with the sender's identity and sid and
 * an increasing `sequence` (livekit-client drops a non-increasing one).
 */
export function encodeBotPacket(bot: BotIdentity, sequence: number, message: ConvaiWireMessage): Uint8Array {
  return new DataPacket({
    kind: DataPacket_Kind.RELIABLE,
    participantIdentity: bot.identity,
    participantSid: bot.sid,
    sequence,
    value: {
      case: 'user',
      value: new UserPacket({
        participantIdentity: bot.identity,
        participantSid: bot.sid,
        payload: encoder.encode(JSON.stringify({ type: message.type, data: message.data })),
      }),
    },
  }).toBinary();
}

export type UserPacketResult =
  | { readonly ok: true; readonly message: ConvaiWireMessage; readonly topic: string | undefined }
  | { readonly ok: false; readonly reason: string };

/** Reads a client's data-channel message: a `DataPacket` carrying Convai JSON. Never throws. */
export function decodeUserPacket(bytes: Uint8Array): UserPacketResult {
  let packet: DataPacket;
  try {
    packet = DataPacket.fromBinary(bytes);
  } catch {
    return { ok: false, reason: 'not a DataPacket' };
  }
  if (packet.value.case !== 'user') return { ok: false, reason: `not a user packet (${packet.value.case ?? 'empty'})` };
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(packet.value.value.payload));
  } catch {
    return { ok: false, reason: 'payload is not UTF-8 JSON' };
  }
  const { type, data } = (value ?? {}) as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || type.length === 0) return { ok: false, reason: 'payload has no `type`' };
  return { ok: true, message: { type, data }, topic: packet.value.value.topic };
}

/** Where the bot's speech goes: an audio track in the room. */
export interface BotMouth {
  /** Starts a reply's speech; resolves when it has been played out (or cut). */
  speak(): Promise<void>;
  /** Cuts the speech short. */
  silence(): void;
}

/**
 * The echo bot, the same conversation as the Pipecat bot: `bot-ready` once the
 * user can hear it, then for each `user_text_message` the LLM events around
 * "You said: <text>" and a spoken tone between `bot-started-speaking` and
 * `bot-stopped-speaking`. Transport-free: it only calls `send` and `mouth`.
 */
export class EchoBot {
  private readyDone = false;
  /** Bumped per reply, so a reply cut short does not announce the end of the next one. */
  private turn = 0;

  constructor(
    private readonly send: (message: ConvaiWireMessage) => void,
    private readonly mouth?: BotMouth,
  ) {}

  /** Idempotent: the reliable channel may open more than once across renegotiations. */
  ready(): void {
    if (this.readyDone) return;
    this.readyDone = true;
    this.send({ type: 'bot-ready', data: {} });
  }

  /** Returns true when the message was understood. */
  receive(message: ConvaiWireMessage): boolean {
    const data = (message.data ?? {}) as Record<string, unknown>;
    switch (message.type) {
      case 'user_text_message': {
        const text = typeof data['text'] === 'string' ? data['text'] : '';
        this.reply(`You said: ${text}`);
        return true;
      }
      case 'trigger-message': {
        const name = typeof data['trigger_name'] === 'string' ? data['trigger_name'] : String(data['trigger_message'] ?? '');
        this.reply(`Triggered: ${name}`);
        return true;
      }
      case 'interrupt-bot':
        this.turn += 1;
        this.mouth?.silence();
        this.send({ type: 'bot-stopped-speaking', data: {} });
        return true;
      case 'tts-toggle':
      case 'update-template-keys':
      case 'update-dynamic-info':
        return true;
      default:
        return false;
    }
  }

  private reply(text: string): void {
    this.send({ type: 'bot-llm-started', data: {} });
    this.send({ type: 'bot-llm-text', data: { text } });
    this.send({ type: 'bot-llm-stopped', data: {} });
    this.send({ type: 'bot-started-speaking', data: {} });
    const turn = ++this.turn;
    const spoken = this.mouth?.speak() ?? Promise.resolve();
    void spoken.then(() => {
      if (turn === this.turn) this.send({ type: 'bot-stopped-speaking', data: {} });
    });
  }
}
