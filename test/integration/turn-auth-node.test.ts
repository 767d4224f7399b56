import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message, classes, methods, parseMessage } from 'werift';
import { checkTurnAuth } from '../../probes/node/turn-auth.js';
import { startCoturn, type Coturn } from '../support/coturn.js';

// The Node TURN check against a real coturn, and against a scripted UDP TURN server for the
// one case coturn will not produce: a Refresh that is never answered.

const NFC = 'pässwörd-Ωmega';
let turn: Coturn;

beforeAll(async () => {
  turn = await startCoturn({ password: NFC });
});
afterAll(async () => {
  await turn?.stop();
});

const check = (transport: 'udp' | 'tcp', credential: string, signal = AbortSignal.timeout(3_000)) =>
  checkTurnAuth({ host: turn.host, port: turn.port, transport, username: turn.username, credential, signal });

describe('checkTurnAuth against coturn', () => {
  it.each(['udp', 'tcp'] as const)('%s: right credentials allocate, wrong ones are unauthorized', async (transport) => {
    expect(await check(transport, NFC)).toBe('ok');
    expect(await check(transport, 'wrong-password')).toBe('unauthorized');
  });

  it('prepares a non-ASCII password with SASLprep (RFC 5389 section 15.4): a decomposed form signs the same', async () => {
    const decomposed = NFC.normalize('NFD');
    expect(decomposed).not.toBe(NFC);
    expect(await check('udp', decomposed)).toBe('ok');
  });
});

describe('checkTurnAuth when the Refresh goes unanswered', () => {
  let server: Socket;
  let port: number;
  const seen: number[] = [];
  beforeAll(async () => {
    server = createSocket('udp4');
    server.on('message', (data, from) => {
      const request = parseMessage(data);
      if (!request) return;
      seen.push(request.messageMethod);
      if (request.messageMethod === methods.REFRESH) return; // never answered
      const authed = request.getAttributeValue('MESSAGE-INTEGRITY') !== undefined;
      const reply = new Message(methods.ALLOCATE, authed ? classes.RESPONSE : classes.ERROR, request.transactionId);
      if (!authed) reply.setAttribute('ERROR-CODE', [401, 'Unauthorized']).setAttribute('REALM', 'fake.local').setAttribute('NONCE', Buffer.from('nonce-1'));
      server.send(reply.bytes, from.port, from.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
    port = server.address().port;
  });
  afterAll(() => server?.close());

  it('settles ok, and nothing is sent on the closed socket afterwards (no ERR_SOCKET_DGRAM_NOT_RUNNING)', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const result = await checkTurnAuth({ host: '127.0.0.1', port, transport: 'udp', username: 'u', credential: 'p', signal: AbortSignal.timeout(3_000) });
      expect(result).toBe('ok');
      const refreshes = seen.filter((m) => m === methods.REFRESH).length;
      // the old code's retransmit timer (250 ms) kept firing on the closed socket
      await new Promise((r) => setTimeout(r, 800));
      expect(uncaught).toEqual([]);
      expect(seen.filter((m) => m === methods.REFRESH).length).toBe(refreshes);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
