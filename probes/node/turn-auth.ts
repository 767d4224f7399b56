import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, connect } from 'node:net';

/**
 * A minimal TURN Allocate exchange (RFC 8656 section 7.2, long-term credentials per RFC 8489
 * section 9.2) used by the werift adapter. werift swallows a 401 from the TURN server and
 * retries until its own timeout, firing no `icecandidateerror`; a browser fires one with code
 * 401 at once. This restores that signal so the Node probe can say TURN_AUTH_FAILED.
 */
export type TurnAuthResult = 'ok' | 'unauthorized' | 'error' | 'no-answer';

const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const REFRESH = 0x0004;
const SUCCESS = 0x0100;
const ERROR = 0x0110;
const ATTR = { USERNAME: 0x0006, MESSAGE_INTEGRITY: 0x0008, ERROR_CODE: 0x0009, LIFETIME: 0x000d, REALM: 0x0014, NONCE: 0x0015, REQUESTED_TRANSPORT: 0x0019 } as const;

interface Message {
  readonly type: number;
  /** The 96-bit transaction id: an answer belongs to the request with the same id. */
  readonly id: Buffer;
  readonly attrs: Map<number, Buffer>;
}

function attribute(type: number, value: Buffer): Buffer {
  const pad = (4 - (value.length % 4)) % 4;
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc(pad)]);
}

function encode(type: number, attrs: Buffer[], key?: Buffer): Buffer {
  const id = randomBytes(12);
  let body = Buffer.concat(attrs);
  const header = (length: number): Buffer => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC, 4);
    id.copy(h, 8);
    return h;
  };
  if (key) {
    // the length field must already count MESSAGE-INTEGRITY when the HMAC is computed
    const mac = createHmac('sha1', key).update(Buffer.concat([header(body.length + 24), body])).digest();
    body = Buffer.concat([body, attribute(ATTR.MESSAGE_INTEGRITY, mac)]);
  }
  return Buffer.concat([header(body.length), body]);
}

function decode(data: Buffer): Message | undefined {
  if (data.length < 20 || data.readUInt32BE(4) !== MAGIC) return undefined;
  const length = data.readUInt16BE(2);
  const attrs = new Map<number, Buffer>();
  for (let at = 20; at + 4 <= 20 + length && at + 4 <= data.length; ) {
    const type = data.readUInt16BE(at);
    const len = data.readUInt16BE(at + 2);
    attrs.set(type, data.subarray(at + 4, at + 4 + len));
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  return { type: data.readUInt16BE(0), id: data.subarray(8, 20), attrs };
}

function errorCode(message: Message): number {
  const value = message.attrs.get(ATTR.ERROR_CODE);
  return value && value.length >= 4 ? (value[2]! & 0x7) * 100 + value[3]! : 0;
}

/** One request-response over UDP (retransmitted) or a TCP stream, until `signal` fires. */
type Exchange = (request: Buffer) => Promise<Message | undefined>;

function udpExchange(host: string, port: number, signal: AbortSignal): { exchange: Exchange; close: () => void } {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('error', () => undefined);
  let pending: ((m: Message | undefined) => void) | undefined;
  let expected: Buffer | undefined;
  socket.on('message', (data) => {
    const message = decode(data);
    // a late answer to a retransmitted earlier request (say, the first 401 challenge) must
    // not be taken for the answer to the current one (RFC 8489 section 6.3.1)
    if (message && expected && message.id.equals(expected)) pending?.(message);
  });
  return {
    exchange: (request) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve(undefined);
        // RFC 8489 section 6.2.1 retransmits at 500 ms doubling; 250 ms suits a 3 s probe
        const timer = setInterval(() => socket.send(request, port, host), 250);
        const done = (m: Message | undefined): void => {
          clearInterval(timer);
          signal.removeEventListener('abort', onAbort);
          pending = undefined;
          resolve(m);
        };
        const onAbort = (): void => done(undefined);
        signal.addEventListener('abort', onAbort, { once: true });
        pending = done;
        expected = request.subarray(8, 20);
        socket.send(request, port, host);
      }),
    close: () => socket.close(),
  };
}

function tcpExchange(host: string, port: number, signal: AbortSignal): { exchange: Exchange; close: () => void } {
  const socket = connect({ host, port });
  socket.on('error', () => pending?.(undefined));
  let buffer = Buffer.alloc(0);
  let pending: ((m: Message | undefined) => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (buffer.length < 20) return;
    const total = 20 + buffer.readUInt16BE(2);
    if (buffer.length < total) return;
    const message = decode(buffer.subarray(0, total));
    buffer = buffer.subarray(total);
    pending?.(message);
  });
  return {
    exchange: (request) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve(undefined);
        const done = (m: Message | undefined): void => {
          signal.removeEventListener('abort', onAbort);
          pending = undefined;
          resolve(m);
        };
        const onAbort = (): void => done(undefined);
        signal.addEventListener('abort', onAbort, { once: true });
        pending = done;
        socket.write(request);
      }),
    close: () => socket.destroy(),
  };
}

/** Tries to allocate on a TURN/UDP or TURN/TCP server with the credentials, then releases it. */
export async function checkTurnAuth(options: {
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  readonly username: string;
  readonly credential: string;
  readonly signal: AbortSignal;
}): Promise<TurnAuthResult> {
  const io = (options.transport === 'udp' ? udpExchange : tcpExchange)(options.host, options.port, options.signal);
  try {
    const transport = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
    const challenge = await io.exchange(encode(ALLOCATE, [transport]));
    if (!challenge) return 'no-answer';
    if (challenge.type === (ALLOCATE | SUCCESS)) return 'ok';
    const realm = challenge.attrs.get(ATTR.REALM);
    const nonce = challenge.attrs.get(ATTR.NONCE);
    if (errorCode(challenge) !== 401 || !realm || !nonce) return 'error';
    const key = createHash('md5').update(`${options.username}:${realm.toString()}:${options.credential}`).digest();
    const auth = [attribute(ATTR.USERNAME, Buffer.from(options.username)), attribute(ATTR.REALM, realm), attribute(ATTR.NONCE, nonce)];
    const answer = await io.exchange(encode(ALLOCATE, [transport, ...auth], key));
    if (!answer) return 'no-answer';
    if (answer.type === (ALLOCATE | SUCCESS)) {
      // release at once: the probe's peer connection makes its own allocation
      const lifetime = Buffer.alloc(4);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        io.exchange(encode(REFRESH, [attribute(ATTR.LIFETIME, lifetime), ...auth], key)),
        new Promise((resolve) => (timer = setTimeout(resolve, 300))),
      ]);
      clearTimeout(timer);
      return 'ok';
    }
    if (answer.type === (ALLOCATE | ERROR) && (errorCode(answer) === 401 || errorCode(answer) === 441)) return 'unauthorized';
    return 'error';
  } finally {
    io.close();
  }
}
