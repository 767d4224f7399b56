import type { CandidateInfo, CandidateType, ServerTransport } from './types.js';

const TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];

/**
 * Reads an ICE candidate line (RFC 8839 section 5.1). Parsed from the string rather than from
 * `RTCIceCandidate.type` etc. because werift's candidate object carries only the string.
 */
export function parseCandidate(
  line: string,
  atMs: number,
  relayProtocol?: ServerTransport,
): CandidateInfo | undefined {
  const parts = line.replace(/^a=/, '').trim().split(/\s+/);
  // candidate:foundation component transport priority address port typ type ...
  if (parts.length < 8 || !parts[0]!.startsWith('candidate:') || parts[6] !== 'typ') return undefined;
  const protocol = parts[2]!.toLowerCase();
  const type = parts[7] as CandidateType;
  const port = Number(parts[5]);
  if ((protocol !== 'udp' && protocol !== 'tcp') || !TYPES.includes(type) || !Number.isInteger(port)) return undefined;
  return {
    type,
    protocol,
    address: parts[4]!,
    port,
    ...(type === 'relay' && relayProtocol ? { relayProtocol } : {}),
    atMs,
  };
}

export function toServerTransport(value: string | null | undefined): ServerTransport | undefined {
  return value === 'udp' || value === 'tcp' || value === 'tls' ? value : undefined;
}
