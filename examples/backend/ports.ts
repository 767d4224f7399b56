import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free TCP+UDP port on 127.0.0.1');
}

/** A range of `count` consecutive UDP ports, for coturn's relay ports. */
export function relayRange(count = 40): { min: number; max: number } {
  const min = 40_000 + Math.floor(Math.random() * 2_000) * 10;
  return { min, max: min + count - 1 };
}
