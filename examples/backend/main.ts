// `npm run backend`: the local backend alone (coturn where installed, the `/connect`
// API, the LiveKit room and the Pipecat bot) on 127.0.0.1, until Ctrl-C. Prints the
// URL; the demo pages are `npm run demo`.
//   BACKEND_API_KEY=... the key `/connect` accepts (default: random, never printed)
//   BACKEND_VERBOSE=1   print the backend's log lines
import { COTURN_MISSING, startDemoStack } from '../demo/stack.js';

const started = performance.now();
const apiKey = process.env['BACKEND_API_KEY'];
const stack = await startDemoStack({
  ...(apiKey ? { apiKey } : {}),
  ...(process.env['BACKEND_VERBOSE'] === '1' ? { log: (line: string) => console.log(`[backend] ${line}`) } : {}),
});
console.log(`Local backend ready in ${Math.round(performance.now() - started)} ms`);
console.log(`  URL       ${stack.backend.url}   (POST /connect, GET /health)`);
console.log(`  API key   ${apiKey ? 'from BACKEND_API_KEY' : 'random (set BACKEND_API_KEY to choose it)'}; send it as x-api-key`);
console.log(stack.turn ? `  TURN      ${stack.turn.host}:${stack.turn.port} (UDP and TCP)` : `  TURN      none. ${COTURN_MISSING}`);
console.log('Ctrl-C stops it.');

const stop = (): void => {
  void stack.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
