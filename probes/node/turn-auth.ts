import { createSocket } from 'node:dgram';
import { isIPv6, connect } from 'node:net';
import saslprep from '@mongodb-js/saslprep';

/**
 * A minimal TURN Allocate exchange (RFC 8656 section 7.2, long-term credentials per RFC 8489
 * section 9.2) used by the werift adapter. werift swallows a 401 from the TURN server and
 * retries until its own timeout, firing no `icecandidateerror`; a browser fires one with code
 * 401 at once. This restores that signal so the Node probe can say TURN_AUTH_FAILED.
 *
 * Messages are encoded, parsed and signed by werift's own STUN code (`Message`, `parseMessage`,
 * `makeIntegrityKey`, exported by werift 0.24.4). werift's key is MD5 of the raw strings; RFC
 * 5389 section 15.4 (what coturn implements) runs the password through SASLprep first, so it is
 * prepared here (`@mongodb-js/saslprep`): a non-ASCII password then signs the same on every side.
 */
export type TurnAuthResult = 'ok' | 'unauthorized' | 'error' | 'no-answer';

/** The part of werift's STUN API this uses (werift is an optional peer: loaded at run time). */
interface StunMessage {
  readonly messageMethod: number;
  readonly messageClass: number;
  readonly transactionId: Buffer;
  readonly bytes: Buffer;
  setAttribute(key: string, value: unknown): StunMessage;
  getAttributeValue(key: string): unknown;
  addMessageIntegrity(key: Buffer): StunMessage;
}
interface WeriftStun {
  Message: new (method: number, messageClass: number) => StunMessage;
  parseMessage(data: Buffer): StunMessage | undefined;
  makeIntegrityKey(username: string, realm: string, password: string): Buffer;
  methods: { ALLOCATE: number; REFRESH: number };
  classes: { REQUEST: number; RESPONSE: number; ERROR: number };
}

/** REQUESTED-TRANSPORT: UDP (17) in the top byte (RFC 8656 section 18.7). */
const UDP_TRANSPORT = 0x11000000;

/** One request-response over UDP (retransmitted) or a TCP stream, until `signal` fires. */
type Exchange = (request: StunMessage) => Promise<StunMessage | undefined>;
interface Io {
  readonly exchange: Exchange;
  close(): void;
}

/** The one-shot settle of an exchange: by its reply, by abort (undefined), or by close; `cleanup` runs once first. */
function awaitReply(
  signal: AbortSignal,
  resolve: (m: StunMessage | undefined) => void,
  cleanup: () => void,
): (m: StunMessage | undefined) => void {
  const done = (m: StunMessage | undefined): void => {
    signal.removeEventListener('abort', onAbort);
    cleanup();
    resolve(m);
  };
  const onAbort = (): void => done(undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  return done;
}

function udpExchange(stun: WeriftStun, host: string, port: number, signal: AbortSignal): Io {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('error', () => undefined);
  let closed = false;
  let pending: ((m: StunMessage | undefined) => void) | undefined;
  let expected: Buffer | undefined;
  socket.on('message', (data) => {
    const message = stun.parseMessage(data);
    // a late answer to a retransmitted earlier request (say, the first 401 challenge) must
    // not be taken for the answer to the current one (RFC 8489 section 6.3.1)
    if (message && expected && message.transactionId.equals(expected)) pending?.(message);
  });
  const send = (bytes: Buffer): void => {
    if (!closed) socket.send(bytes, port, host);
  };
  return {
    exchange: (request) =>
      new Promise((resolve) => {
        if (signal.aborted || closed) return resolve(undefined);
        const bytes = request.bytes;
        // RFC 8489 section 6.2.1 retransmits at 500 ms doubling; 250 ms suits a 3 s probe
        const timer = setInterval(() => send(bytes), 250);
        pending = awaitReply(signal, resolve, () => {
          clearInterval(timer);
          pending = undefined;
        });
        expected = request.transactionId;
        send(bytes);
      }),
    close: () => {
      // settle the exchange in flight first: its retransmit timer must not outlive the socket
      // (a send on a closed socket throws ERR_SOCKET_DGRAM_NOT_RUNNING, uncaught)
      pending?.(undefined);
      closed = true;
      socket.close();
    },
  };
}

function tcpExchange(stun: WeriftStun, host: string, port: number, signal: AbortSignal): Io {
  const socket = connect({ host, port });
  socket.on('error', () => pending?.(undefined));
  let buffer = Buffer.alloc(0);
  let pending: ((m: StunMessage | undefined) => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    // RFC 6062 section 4.1 framing: STUN messages back to back, each 20 + length bytes
    while (buffer.length >= 20) {
      const total = 20 + buffer.readUInt16BE(2);
      if (buffer.length < total) return;
      const message = stun.parseMessage(buffer.subarray(0, total));
      buffer = buffer.subarray(total);
      pending?.(message);
    }
  });
  return {
    exchange: (request) =>
      new Promise((resolve) => {
        if (signal.aborted || socket.destroyed) return resolve(undefined);
        pending = awaitReply(signal, resolve, () => {
          pending = undefined;
        });
        socket.write(request.bytes);
      }),
    close: () => {
      pending?.(undefined);
      socket.destroy();
    },
  };
}

function errorCode(message: StunMessage): number {
  const value = message.getAttributeValue('ERROR-CODE');
  return Array.isArray(value) && typeof value[0] === 'number' ? value[0] : 0;
}

/** SASLprep (RFC 4013) of the password; a password it refuses is used as given, as browsers do. */
function preparePassword(password: string): string {
  try {
    return saslprep(password);
  } catch {
    return password;
  }
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
  const stun = (await import('werift')) as unknown as WeriftStun;
  const { Message, methods, classes } = stun;
  if (options.signal.aborted) return 'no-answer';
  const io = (options.transport === 'udp' ? udpExchange : tcpExchange)(stun, options.host, options.port, options.signal);
  const is = (m: StunMessage, method: number, cls: number): boolean => m.messageMethod === method && m.messageClass === cls;
  try {
    const challenge = await io.exchange(new Message(methods.ALLOCATE, classes.REQUEST).setAttribute('REQUESTED-TRANSPORT', UDP_TRANSPORT));
    if (!challenge) return 'no-answer';
    if (is(challenge, methods.ALLOCATE, classes.RESPONSE)) return 'ok';
    const realm = challenge.getAttributeValue('REALM');
    const nonce = challenge.getAttributeValue('NONCE');
    if (errorCode(challenge) !== 401 || typeof realm !== 'string' || !Buffer.isBuffer(nonce)) return 'error';
    const key = stun.makeIntegrityKey(options.username, realm, preparePassword(options.credential));
    const signed = (message: StunMessage): StunMessage =>
      message.setAttribute('USERNAME', options.username).setAttribute('REALM', realm).setAttribute('NONCE', nonce).addMessageIntegrity(key);
    const answer = await io.exchange(signed(new Message(methods.ALLOCATE, classes.REQUEST).setAttribute('REQUESTED-TRANSPORT', UDP_TRANSPORT)));
    if (!answer) return 'no-answer';
    if (is(answer, methods.ALLOCATE, classes.RESPONSE)) {
      // release at once: the probe's peer connection makes its own allocation
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        io.exchange(signed(new Message(methods.REFRESH, classes.REQUEST).setAttribute('LIFETIME', 0))),
        new Promise((resolve) => (timer = setTimeout(resolve, 300))),
      ]);
      clearTimeout(timer);
      return 'ok';
    }
    if (is(answer, methods.ALLOCATE, classes.ERROR) && (errorCode(answer) === 401 || errorCode(answer) === 441)) return 'unauthorized';
    return 'error';
  } finally {
    io.close();
  }
}
