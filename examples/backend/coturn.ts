import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort, relayRange } from './ports.js';

export interface Coturn {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** STUN over UDP. */
  readonly stunUrl: string;
  readonly turnUdpUrl: string;
  readonly turnTcpUrl: string;
  /** Log lines so far (coturn logs to stdout). */
  readonly log: string[];
  /** The turnserver process (its arguments carry no password). */
  readonly pid: number | undefined;
  /** The private (0600) config file that holds the user and password. */
  readonly configFile: string;
  stop(): Promise<void>;
}

export interface CoturnOptions {
  /** Address coturn listens and relays on. @default '127.0.0.1' */
  readonly host?: string;
  readonly port?: number;
  readonly username?: string;
  readonly password?: string;
  /** Run inside `ip netns exec NAME` (the host must be on that namespace's side). */
  readonly netns?: string;
  /**
   * Relay ports to reserve. A client that never deallocates (werift) holds one per allocation
   * until it expires (10 min): repeated probes need more than the default. @default 40
   */
  readonly relayPorts?: number;
}

/**
 * Starts a real coturn (docs/ARCHITECTURE.md, "coturn"): STUN + TURN (UDP, TCP) on loopback, long-term
 * credentials, relaying only to loopback peers. Resolves once it accepts TCP.
 */
export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const username = options.username ?? 'probe';
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2, 12)}`;
  const dir = await mkdtemp(join(tmpdir(), 'coturn-'));
  const range = relayRange(options.relayPorts);
  // The password goes in a config file only this user can read, not on the command line,
  // where every local user sees it (`ps`, /proc/PID/cmdline). coturn reads the file, then
  // the arguments. A password must not contain a line break.
  if (/[\r\n]/.test(username) || /[\r\n]/.test(password)) throw new Error('coturn user names and passwords cannot hold line breaks');
  const configFile = join(dir, 'turnserver.conf');
  await writeFile(configFile, `user=${username}:${password}\n`, { mode: 0o600 });
  const args = [
    '-c',
    configFile,
    `--listening-ip=${host}`,
    `--listening-port=${port}`,
    `--relay-ip=${host}`,
    `--min-port=${range.min}`,
    `--max-port=${range.max}`,
    '--realm=test.local',
    '--lt-cred-mech',
    '--fingerprint',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers',
    '--no-multicast-peers',
    // a cheap safety net: never relay to anything outside loopback and our test /30s
    '--denied-peer-ip=0.0.0.0-9.255.255.255',
    '--denied-peer-ip=11.0.0.0-126.255.255.255',
    '--denied-peer-ip=128.0.0.0-255.255.255.255',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${join(dir, 'turn.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
  ];
  const command = options.netns ? 'ip' : 'turnserver';
  const fullArgs = options.netns ? ['netns', 'exec', options.netns, 'turnserver', ...args] : args;
  const child: ChildProcess = spawn(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) log.push(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 5_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`coturn exited with ${child.exitCode}: ${log.slice(-5).join(' | ')}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('coturn did not start within 5 s');
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    host,
    port,
    username,
    password,
    stunUrl: `stun:${host}:${port}`,
    turnUdpUrl: `turn:${host}:${port}?transport=udp`,
    turnTcpUrl: `turn:${host}:${port}?transport=tcp`,
    log,
    pid: child.pid,
    configFile,
    stop,
  };
}
