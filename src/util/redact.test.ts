import { describe, expect, it } from 'vitest';
import { isWellFormedIceUrl } from './ice-url-shape.js';
import { redactIceUrl, redactUrl, redactUrlsIn } from './redact.js';

describe('redactUrl: URLs are printed from an allow-list', () => {
  it.each([
    ['ws://127.0.0.1:8080/ws?session_token=SECRET-tok-1', 'ws://127.0.0.1:8080/ws'],
    ['wss://api.example.com/ws?sig=SECRET-sig-1&x=1', 'wss://api.example.com/ws'],
    ['wss://api.example.com/ws?jwt=eyJSECRET.eyJx.y', 'wss://api.example.com/ws'],
    ['https://alice:SECRET-pw@api.example.com/connect', 'https://api.example.com/connect'],
    ['https://SECRET-user@api.example.com/', 'https://api.example.com/'],
    ['wss://api.example.com/ws#SECRET-frag', 'wss://api.example.com/ws'],
    ['wss://api.example.com/ws/SECRETtoken0123456789abcdef', 'wss://api.example.com/ws/[redacted]'],
    ['wss://api.example.com/ws/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.SECRETsig', 'wss://api.example.com/ws/[redacted]'],
    ['wss://api.example.com/ws/tok=SECRET;x', 'wss://api.example.com/ws/[redacted]'],
    ['http://[::1]:9/rtc/v1?access_token=SECRET-at', 'http://[::1]:9/rtc/v1'],
  ])('%s -> %s', (input, shown) => {
    expect(redactUrl(input)).toBe(shown);
    expect(redactUrl(input)).not.toContain('SECRET');
  });

  it('keeps short, plain path segments (they name the endpoint)', () => {
    expect(redactUrl('wss://api.example.com/probe/ws')).toBe('wss://api.example.com/probe/ws');
    expect(redactUrl('http://127.0.0.1:1234/connect')).toBe('http://127.0.0.1:1234/connect');
  });

  it('never echoes what it cannot parse', () => {
    expect(redactUrl('not a url SECRET')).toBe('(unparseable URL)');
    expect(redactUrl('ws://exa mple/SECRET')).not.toContain('SECRET');
  });
});

describe('redactIceUrl', () => {
  it('keeps a well-formed STUN/TURN URL', () => {
    expect(redactIceUrl('turn:127.0.0.1:3478?transport=udp')).toBe('turn:127.0.0.1:3478?transport=udp');
    expect(redactIceUrl('stun:[::1]')).toBe('stun:[::1]');
  });

  it.each(['turn:alice:S3cret@host', 'turn:host?credential=S3cret', 'turns:S3cret@host:5349', 'S3cret'])('hides the rest of %s', (url) => {
    expect(redactIceUrl(url)).not.toContain('S3cret');
  });
});

describe('redactUrlsIn', () => {
  it('rewrites every URL inside free text', () => {
    const text = redactUrlsIn("WebSocket connection to 'wss://h.example/rtc/v1?access_token=SECRET-1&x=2' failed; retry https://u:SECRET-2@h/x");
    expect(text).toBe("WebSocket connection to 'wss://h.example/rtc/v1' failed; retry https://h/x");
  });
});

describe('isWellFormedIceUrl', () => {
  it.each([
    ['turn:127.0.0.1:3478?transport=udp', true],
    ['turns:turn.example.com', true],
    ['stun:[::1]:3478', true],
    ['stun:127.0.0.1?transport=udp', false],
    ['turn:127.0.0.1:0', false],
    ['turn:127.0.0.1:65536', false],
    ['turn:u:p@127.0.0.1', false],
    ['turn:127.0.0.1?transport=sctp', false],
  ])('%s -> %s', (url, ok) => {
    expect(isWellFormedIceUrl(url)).toBe(ok);
  });
});
