/**
 * The part of RTCPeerConnection the probe uses, written structurally so that both the
 * browser's and werift's classes fit (werift differs in event objects and return types).
 * Only `on*` handler properties are used: both stacks support them.
 */
export interface ProbeIceCandidate {
  readonly candidate: string;
  readonly relayProtocol?: string | null;
  toJSON?(): unknown;
}

export interface ProbeDataChannel {
  onopen: ((event?: unknown) => void) | null | undefined;
  onmessage: ((event: { data: unknown }) => void) | null | undefined;
  send(data: string): void;
  close(): void;
}

export interface ProbePeerConnection {
  onicecandidate: ((event: { candidate?: ProbeIceCandidate | null }) => void) | null | undefined;
  onicecandidateerror: ((event: { errorCode?: number; errorText?: string; url?: string }) => void) | null | undefined;
  ondatachannel: ((event: { channel: ProbeDataChannel }) => void) | null | undefined;
  oniceconnectionstatechange?: (() => void) | null | undefined;
  readonly iceConnectionState: string;
  readonly localDescription: { type: string; sdp: string } | null;
  createDataChannel(label: string): ProbeDataChannel;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  createAnswer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(description: { type: string; sdp?: string }): Promise<unknown>;
  setRemoteDescription(description: { type: string; sdp?: string }): Promise<unknown>;
  addIceCandidate(candidate: unknown): Promise<unknown>;
  close(): unknown;
}

export type ProbePeerConnectionConstructor = new (config: {
  iceServers: RTCIceServer[];
  iceTransportPolicy: 'relay' | 'all';
}) => ProbePeerConnection;

/** Closes a peer connection; werift's close() returns a promise that may reject. */
export async function closePeer(pc: ProbePeerConnection): Promise<void> {
  try {
    await Promise.resolve(pc.close()).catch(() => undefined);
  } catch {
    // already closed
  }
}
