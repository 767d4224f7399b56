import { describe, expect, it } from 'vitest';
import { gatherServer } from './gather-server.js';
import { parseIceUrl } from '../ice-url.js';
import type { ProbePeerConnectionConstructor } from '../peer.js';

describe('gatherServer', () => {
  it('reports a constructor that throws as peer-failed, with the error, without a credential', async () => {
    const Refusing = class {
      constructor() {
        throw new DOMException('Cannot create so many PeerConnections', 'UnknownError');
      }
    } as unknown as ProbePeerConnectionConstructor;
    const url = 'turn:127.0.0.1:3478?transport=udp';
    const result = await gatherServer({
      ctor: Refusing,
      target: { serverIndex: 0, url, parsed: parseIceUrl(url, 'iceServers[0].urls'), username: 'u', credential: 'secret-cred' },
      signal: new AbortController().signal,
      stoppedAs: () => 'timeout',
      onCandidate: () => {},
      redact: (text) => text.split('secret-cred').join('[redacted]'),
    });
    expect(result.outcome).toBe('peer-failed');
    expect(result.kind).toBe('turn');
    expect(result.errors[0]?.text).toContain('Cannot create so many PeerConnections');
    expect(JSON.stringify(result)).not.toContain('secret-cred');
  });
});
