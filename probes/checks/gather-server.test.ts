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

  it("names a candidate error whose text the stack left empty (Firefox), and keeps the stack's own text", async () => {
    const errorsFor = async (errorText: string): Promise<{ code: number; text: string }[]> => {
      const Erring = class {
        onicecandidate: unknown = null;
        onicecandidateerror: ((e: { errorCode: number; errorText: string }) => void) | null = null;
        createDataChannel(): void {}
        async createOffer(): Promise<{ type: string }> {
          return { type: 'offer' };
        }
        async setLocalDescription(): Promise<void> {
          this.onicecandidateerror?.({ errorCode: 401, errorText });
        }
        close(): void {}
      } as unknown as ProbePeerConnectionConstructor;
      const url = 'turn:127.0.0.1:3478?transport=udp';
      const result = await gatherServer({
        ctor: Erring,
        target: { serverIndex: 0, url, parsed: parseIceUrl(url, 'iceServers[0].urls'), username: 'u', credential: 'c' },
        signal: new AbortController().signal,
        stoppedAs: () => 'timeout',
        onCandidate: () => {},
        redact: (text) => text,
      });
      expect(result.outcome).toBe('auth-failed');
      return [...result.errors];
    };
    expect(await errorsFor('')).toEqual([{ code: 401, text: 'Unauthorized (wrong TURN username or credential)' }]);
    expect(await errorsFor('Unauthorized.')).toEqual([{ code: 401, text: 'Unauthorized.' }]);
  });
});
