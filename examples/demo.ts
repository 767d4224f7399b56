// `npm run demo`: coturn (where installed), the local backend (`/connect`, LiveKit room,
// Pipecat bot) and the example pages, all on 127.0.0.1, until Ctrl-C.
//   DEMO_PORT=5180     port of the page server (a free one if it is taken)
//   DEMO_TURN=auto     1: refuse to run without coturn; 0: run without it
//   DEMO_SMOKE=1       start, check every page and the backend answer, stop (for tests/CI)
//   DEMO_VERBOSE=1     print the backend's log lines
import { startDemo, type Demo } from './demo/start-demo.js';
import { COTURN_MISSING } from './demo/stack.js';
import { demoTips } from './demo/demo-text.js';
import { smokeCheck } from './demo/smoke.js';

const env = process.env;
const verbose = env['DEMO_VERBOSE'] === '1';
const turnSetting: boolean | 'auto' = env['DEMO_TURN'] === '1' ? true : env['DEMO_TURN'] === '0' ? false : 'auto';
const port = Number(env['DEMO_PORT'] ?? 5180);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`DEMO_PORT must be a port number (0-65535); got '${env['DEMO_PORT']}'.`);
  process.exit(2);
}

async function start(): Promise<Demo> {
  const options = { turn: turnSetting, ...(verbose ? { log: (line: string) => console.log(`[backend] ${line}`) } : {}) };
  try {
    return await startDemo({ ...options, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    console.log(`Port ${port} is taken; using a free one.`);
    return startDemo({ ...options, port: 0 });
  }
}

const started = Date.now();
let demo: Demo;
try {
  demo = await start();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`The demo could not start: ${message}`);
  if (message.includes('dist')) console.error('Build the package first: npm run build');
  process.exit(1);
}

const { stack } = demo;
console.log(`\nconvai-transport demo: ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
console.log(`  Examples      ${demo.server.url}/`);
for (const page of demo.pages) console.log(`  ${page.name.padEnd(13)} ${page.url}`);
console.log(`  Backend       ${stack.backend.url}  (/connect, /health, LiveKit room at /rtc, Pipecat bot at /ws)`);
console.log(
  stack.turn
    ? `  TURN/STUN     ${stack.turn.host}:${stack.turn.port} (coturn, UDP and TCP)`
    : `  TURN/STUN     none. ${COTURN_MISSING} Without it WebRTC uses host candidates (policy 'all').`,
);
console.log('\nWhat to try:');
for (const [i, tip] of demoTips(demo.pages, Boolean(stack.turn)).entries()) console.log(`  ${i + 1}. ${tip}`);

let stopping: Promise<void> | undefined;
const shutdown = (code: number): Promise<void> =>
  (stopping ??= demo.stop().then(() => {
    console.log('Demo stopped: page server, backend and coturn are down.');
    process.exit(code);
  }));

if (env['DEMO_SMOKE'] === '1') {
  const result = await smokeCheck(demo);
  for (const line of result.lines) console.log(`[smoke] ${line}`);
  await shutdown(result.ok ? 0 : 1);
} else {
  console.log('\nCtrl-C stops everything.');
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
}
