import { RTCPeerConnection as WeriftPeerConnection } from 'werift';
import { probe } from '../probes/index.js';
import { weriftPeerConnection, type WeriftPeerConnectionClass } from '../probes/node/werift-adapter.js';

/**
 * Runs the probe in Node (werift) `count` times and prints one JSON line of samples.
 * A separate process so it can run inside a network namespace (`ip netns exec`).
 * Its input comes on stdin, not argv, so the TURN credential is not visible in `ps`.
 */
export interface NodeProbeJob {
  readonly iceServers: RTCIceServer[];
  readonly deadlineMs: number;
  /** The loopback or namespace address werift gathers host candidates on (docs/ARCHITECTURE.md, "werift"). */
  readonly bindAddress: string;
  readonly count: number;
}

export interface NodeProbeSample {
  readonly verdict: string;
  readonly reasons: readonly string[];
  readonly durationMs: number;
  readonly gatheringMs: number;
  readonly connectivityMs: number;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return text;
}

async function main(): Promise<void> {
  const job = JSON.parse(await readStdin()) as NodeProbeJob;
  const ctor = weriftPeerConnection(WeriftPeerConnection as unknown as WeriftPeerConnectionClass, { bindAddress: job.bindAddress });
  const samples: NodeProbeSample[] = [];
  for (let i = 0; i < job.count; i++) {
    const report = await probe({ iceServers: job.iceServers, deadlineMs: job.deadlineMs, connectivityCheck: true, RTCPeerConnection: ctor });
    samples.push({
      verdict: report.verdict,
      reasons: report.reasons,
      durationMs: report.durationMs,
      gatheringMs: report.checks.gathering.durationMs,
      connectivityMs: report.checks.connectivity.durationMs,
    });
  }
  process.stdout.write(`${JSON.stringify(samples)}\n`);
}

main().then(
  // werift keeps sockets with timers after close() (probes/node/cli.ts does the same)
  () => setTimeout(() => process.exit(0), 50),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    setTimeout(() => process.exit(1), 50);
  },
);
