import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type Coturn } from '../support/coturn.js';

// The probe CLI's output modes, on the real CLI (werift) against a real coturn:
// piped output stays plain, --markdown is for tickets, a terminal gets the live display.
const ESC = '\u001b[';
let turn: Coturn;

beforeAll(async () => {
  turn = await startCoturn();
});
afterAll(async () => {
  await turn?.stop();
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(command, args, { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const servers = (): string[] => [
  '--ice-server', turn.stunUrl,
  '--ice-server', `${turn.turnUdpUrl},${turn.username},${turn.password}`,
  '--ice-server', `${turn.turnTcpUrl},${turn.username},${turn.password}`,
  '--bind', '127.0.0.1', '--deadline', '10000',
];
// a terminal, as a person has one: no CI marker, no NO_COLOR
const { CI: _ci, NO_COLOR: _nc, FORCE_COLOR: _fc, ...plainEnv } = process.env;

describe('convai-transport probe: output', () => {
  it('--markdown, piped: a Markdown report for a ticket, no escape codes, progress lines as before', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'probes/node/cli.ts', 'probe', ...servers(), '--markdown'], plainEnv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### Network check: `webrtc`\n\n\*\*Your network is ready for voice\.\*\*/);
    expect(r.stdout).toContain('| Server | Kind | Result | Candidates | Time | Errors |');
    expect(r.stdout).toContain(`| \`${turn.turnTcpUrl}\` | TURN/TCP | ok |`);
    expect(r.stdout).toContain('```text\nVerdict: webrtc');
    expect(r.stderr).toMatch(/verdict: webrtc/);
    expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(r.stdout + r.stderr).not.toContain(turn.password);
  });

  it('on a terminal (a pty via script(1)): live step display, colour summary with advice, cursor restored', async () => {
    const cli = ['node', '--import', 'tsx', 'probes/node/cli.ts', 'probe', ...servers()].join(' ');
    const r = await run('script', ['-qec', cli, '/dev/null'], { ...plainEnv, TERM: 'xterm-256color' });
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`${ESC}?25l`);
    expect(out).toContain(`${ESC}?25h`);
    const bare = out.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(bare).toMatch(/✔ STUN\/TURN servers +success, [34] settled, \d+ candidates/);
    expect(out).toContain(`${ESC}1m${ESC}32mVerdict: webrtc`);
    expect(out).toContain('What this means:');
    // the plain event lines are for pipes only
    expect(out).not.toMatch(/\+\s+\d+ ms ice-gathering: running/);
    expect(out).not.toContain(turn.password);
  });
});
