import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './chromium.js';

export type DroppedProtocol = 'udp' | 'tcp';

export interface NetnsOptions {
  /**
   * Protocols silently dropped on the veth in both directions (an nft `netdev` table: no
   * ICMP, no EPERM, like a real firewall; docs/ARCHITECTURE.md, "Blocking UDP for real"). @default ['udp']
   */
  readonly drop?: readonly DroppedProtocol[];
  /**
   * Protocols refused on the root side: UDP with ICMP port unreachable, TCP with a reset,
   * as a rejecting firewall or a host with no listener answers. nft `reject` does not exist
   * in `netdev`, so this is an `inet` input chain on the root end of the veth. @default []
   */
  readonly reject?: readonly DroppedProtocol[];
  /** TCP ports on the root side silently dropped (e.g. TURN/TCP, while the backend's port stays open). @default [] */
  readonly dropTcpPorts?: readonly number[];
  /**
   * Random loss of IP packets, in percent, each direction, on the veth (nft `numgen random`):
   * the kernel drops TCP segments and UDP datagrams alike, so TCP really retransmits. @default 0
   */
  readonly lossPercent?: number;
  /**
   * A default route through the veth, so traffic for any other address reaches the guard
   * (dropped there and counted by `strayPackets()`) instead of failing at once with "network
   * unreachable", which no counter sees. Off by default: a silent drop makes a DNS lookup wait
   * for its timeout. @default false
   */
  readonly defaultRoute?: boolean;
}

/** The firewall of a namespace, as `setRules` takes it: anything left out is allowed. */
export type NetnsRules = NetnsOptions;

export interface Netns {
  readonly name: string;
  /** Address on the root side: run coturn and backends here. */
  readonly rootIp: string;
  /** The client's address inside the namespace. */
  readonly nsIp: string;
  /** A shell script that runs Chromium inside the namespace: use as playwright's `executablePath`. */
  readonly chromiumPath: string;
  /** Spawns a command inside the namespace (e.g. a werift probe in a child Node process). */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /**
   * TCP and UDP packets that something in the namespace tried to send anywhere but loopback or
   * the /30 (the guard drops them): DNS, telemetry, mDNS... A test can assert it stays 0. Sees
   * traffic for other hosts only with `defaultRoute` (without a route it fails before the guard).
   */
  strayPackets(): number;
  /** Replaces the drop/reject rules (the guard rule stays), so one namespace can serve many conditions. */
  setRules(rules: NetnsRules): void;
  close(): Promise<void>;
}

const live = new Set<() => void>();
let exitHookInstalled = false;

function run(args: readonly string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

function quiet(args: readonly string[]): void {
  try {
    run(args);
  } catch {
    // teardown is best effort: the thing may already be gone
  }
}

/**
 * A network namespace joined to the root namespace by a veth pair on a private /30
 * (10.200.X.0/30, X random so parallel runs do not clash). The client side gets a guard rule
 * dropping anything not bound for loopback or the /30, so nothing leaves the pair. Needs root.
 * Torn down by `close()`, and on process exit if a test forgets.
 */
export async function createNetns(options: NetnsOptions = {}): Promise<Netns> {
  const id = Math.floor(Math.random() * 0xfff).toString(16).padStart(3, '0');
  const octet = 1 + Math.floor(Math.random() * 250);
  const name = `cvprobe-${process.pid}-${id}`;
  const table = `cvprobe_${id}`;
  const rootDev = `cvp${id}r`;
  const nsDev = `cvp${id}n`;
  const rootIp = `10.200.${octet}.1`;
  const nsIp = `10.200.${octet}.2`;
  const subnet = `10.200.${octet}.0/30`;
  const dir = await mkdtemp(join(tmpdir(), 'netns-'));

  const teardown = (): void => {
    quiet(['nft', 'delete', 'table', 'netdev', table]);
    quiet(['nft', 'delete', 'table', 'inet', table]);
    quiet(['ip', 'netns', 'del', name]);
    quiet(['ip', 'link', 'del', rootDev]);
  };
  live.add(teardown);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const t of live) t();
    });
  }
  try {
    run(['ip', 'netns', 'add', name]);
    run(['ip', 'link', 'add', rootDev, 'type', 'veth', 'peer', 'name', nsDev]);
    run(['ip', 'link', 'set', nsDev, 'netns', name]);
    run(['ip', 'addr', 'add', `${rootIp}/30`, 'dev', rootDev]);
    run(['ip', 'link', 'set', rootDev, 'up']);
    run(['ip', '-n', name, 'addr', 'add', `${nsIp}/30`, 'dev', nsDev]);
    run(['ip', '-n', name, 'link', 'set', nsDev, 'up']);
    run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    if (options.defaultRoute) run(['ip', '-n', name, 'route', 'add', 'default', 'via', rootIp]);
    const setRules = (rules: NetnsRules): void => {
      const ports = (rules.dropTcpPorts ?? []).map((p) => {
        if (!Number.isInteger(p) || p < 1 || p > 65_535) throw new Error(`dropTcpPorts: ${p} is not a port`);
        return `tcp dport ${p} drop; tcp sport ${p} drop;`;
      });
      const loss = rules.lossPercent ?? 0;
      if (!Number.isFinite(loss) || loss < 0 || loss > 100) throw new Error(`lossPercent: expected 0..100, got ${loss}`);
      // per mille, so 0.5 % is expressible
      const lossRule = loss > 0 ? [`meta protocol ip numgen random mod 1000 < ${Math.round(loss * 10)} drop;`] : [];
      quiet(['nft', 'delete', 'table', 'netdev', table]);
      quiet(['nft', 'delete', 'table', 'inet', table]);
      const drops = [...(rules.drop ?? []).map((p) => `meta l4proto ${p} drop;`), ...ports, ...lossRule].join(' ');
      const rejects = (rules.reject ?? [])
        .map((p) => `iifname "${rootDev}" meta l4proto ${p} reject${p === 'tcp' ? ' with tcp reset' : ''};`)
        .join(' ');
      // egress + ingress on the root end of the veth: both directions, silently
      execFileSync('nft', ['-f', '-'], {
        input:
          `table netdev ${table} {\n` +
          `  chain eg { type filter hook egress device "${rootDev}" priority 0; ${drops} }\n` +
          `  chain in { type filter hook ingress device "${rootDev}" priority 0; ${drops} }\n` +
          `}\n` +
          (rejects ? `table inet ${table} {\n  chain rj { type filter hook input priority 0; ${rejects} }\n}\n` : ''),
        stdio: ['pipe', 'ignore', 'pipe'],
      });
    };
    setRules({ ...options, drop: options.drop ?? ['udp'] });
    execFileSync('ip', ['netns', 'exec', name, 'nft', '-f', '-'], {
      input:
        'table inet guard {\n' +
        '  counter stray {}\n' +
        '  chain out { type filter hook output priority 0; policy drop;\n' +
        // the kernel's own IPv6 neighbour discovery is dropped too, but only TCP/UDP is counted
        `    oifname "lo" accept; ip daddr ${subnet} accept; meta l4proto { tcp, udp } counter name "stray" drop; }\n` +
        '}\n',
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const chromiumPath = join(dir, 'chromium-in-netns.sh');
    await writeFile(chromiumPath, `#!/bin/sh\nexec ip netns exec ${name} ${CHROMIUM_PATH} "$@"\n`);
    await chmod(chromiumPath, 0o755);
    return {
      name,
      rootIp,
      nsIp,
      chromiumPath,
      spawn: (command, args, spawnOptions = {}) => spawn('ip', ['netns', 'exec', name, command, ...args], spawnOptions),
      setRules,
      strayPackets: () => {
        const out = execFileSync('ip', ['netns', 'exec', name, 'nft', 'list', 'counter', 'inet', 'guard', 'stray']).toString();
        return Number(/packets (\d+)/.exec(out)?.[1] ?? NaN);
      },
      close: async () => {
        teardown();
        live.delete(teardown);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    teardown();
    live.delete(teardown);
    await rm(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`netns setup failed (needs root, ip, nft): ${stderr || String(error)}`);
  }
}
