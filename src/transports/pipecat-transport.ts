/*! Includes @pipecat-ai/client-js and @pipecat-ai/websocket-transport (https://github.com/pipecat-ai),
 * BSD 2-Clause License, Copyright (c) 2024, Daily. Redistribution and use in source and binary forms,
 * with or without modification, are permitted provided that the following conditions are met:
 * 1. Redistributions of source code must retain the above copyright notice, this list of conditions
 *    and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions
 *    and the following disclaimer in the documentation and/or other materials provided with the distribution.
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED
 * WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
 * PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY
 * DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
 * PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
 * NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 */
import { WebSocketTransport, ProtobufFrameSerializer } from '@pipecat-ai/websocket-transport';
import type { RTVIMessage } from '@pipecat-ai/client-js';
import type { PcmMediaManager } from './media/pcm-media-manager.js';
import type { PipecatSocket } from './pipecat-socket.js';

type PipecatSocketSlot = ReturnType<WebSocketTransport['initializeWebsocket']>;

/**
 * Pipecat's `WebSocketTransport` with two seams filled: the socket is our
 * cancellable `PipecatSocket`, and inbound frames are dispatched by the session
 * (which needs the bot's sample rate and every RTVI message) instead of by the
 * parent's handler. State, the client-ready handshake, audio queueing before
 * ready and the outbound encoding (`ProtobufFrameSerializer`) stay Pipecat's.
 */
export class ConvaiWebSocketTransport extends WebSocketTransport {
  private socket: PipecatSocket | undefined;

  constructor(
    private readonly createSocket: () => PipecatSocket,
    mediaManager: PcmMediaManager,
  ) {
    super({
      mediaManager,
      serializer: new ProtobufFrameSerializer(),
      recorderSampleRate: mediaManager.sampleRate,
    });
  }

  override initializeWebsocket(): PipecatSocketSlot {
    this.socket = this.createSocket();
    // structurally what the parent uses of its ReconnectingWebSocket: connect, close, send, readyState
    return this.socket as unknown as PipecatSocketSlot;
  }

  /** The parent checks `readyState` against the global `WebSocket`; ours works without one (Node). */
  override async _sendMsg(msg: unknown): Promise<void> {
    if (msg instanceof Uint8Array) await this.socket?.send(msg);
  }

  /** Hands an inbound RTVI message to PipecatClient (bot-ready resolves its connect). */
  deliver(message: RTVIMessage): void {
    this._onMessage(message);
  }
}
