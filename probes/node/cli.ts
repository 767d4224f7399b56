#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isConfigError } from '../../src/errors/config-error.js';
import { redact } from '../../src/util/redact.js';
import { parseIceServerSpec } from '../ice-server-spec.js';
import { hasTurnServer, policyFor, STUN_ONLY_NOTE } from '../policy.js';
import { probe } from '../probe.js';
import type { ProbeProgressEvent, ProbeReport } from '../types.js';
import { weriftPeerConnection, type WeriftPeerConnectionClass } from './werift-adapter.js';
import { createProgressDisplay, renderOutput, useColour, useLiveDisplay } from './cli-output.js';

const USAGE = `Usage: convai-transport probe --ice-server URL[,USERNAME,CREDENTIAL]... [options]

Checks whether WebRTC (through your STUN/TURN servers) or a WebSocket works from this machine.

Options:
  --ice-server URL[,USER,CRED]  A STUN/TURN URL, repeatable. Only the first two commas split:
                                the credential is everything after the second, commas included.
                                Quote the whole argument ('turn:h:3478,user,pa$s,word') so the
                                shell keeps it as is. The credential may also come from the
                                environment: CONVAI_TURN_CREDENTIAL (keeps it out of \`ps\`).
  --ws-url URL                  Also check this WebSocket answers a text message.
  --deadline MS                 Upper bound for the probe (default 3000).
  --policy relay|all            ICE transport policy to test. Default: relay when a TURN server
                                is given (as a Convai session connects), all with STUN only (a
                                STUN-only probe shows that UDP gets out, not that a relay works).
  --bind ADDRESS                Gather host candidates on this IPv4 address only.
  --quick                       Stop at the first usable path (default: test every server).
  --no-connectivity             Skip the relay connectivity check.
  --json                        Print the report as JSON (progress still goes to stderr).
  --markdown                    Print the report as Markdown, for pasting into a ticket.
On a terminal, progress is a live display and the summary is in colour (NO_COLOR turns
colour off); piped, both are plain lines.
Exit code: 0 when something was shown to work (a WebRTC path, or the WebSocket answered),
1 when nothing was, 2 on bad input.`;

function parseServer(value: string, index: number): RTCIceServer {
  const { urls, username, credential } = parseIceServerSpec(value);
  const cred = credential ?? (username !== undefined ? process.env['CONVAI_TURN_CREDENTIAL'] : undefined);
  if (username !== undefined && cred === undefined) {
    throw new Error(`--ice-server #${index + 1}: a username was given without a credential (add ,CREDENTIAL or set CONVAI_TURN_CREDENTIAL).`);
  }
  return { urls, ...(username === undefined ? {} : { username }), ...(cred === undefined ? {} : { credential: cred }) };
}

function describe(event: ProbeProgressEvent): string | undefined {
  const t = `+${String(event.elapsedMs).padStart(5)} ms`;
  if (event.type === 'check') return `${t} ${event.check}: ${event.status}`;
  if (event.type === 'candidate') return `${t}   ${event.url}: ${event.candidate.type} ${event.candidate.protocol} ${event.candidate.address}:${event.candidate.port}`;
  if (event.type === 'server') return `${t}   ${event.result.url}: ${event.result.outcome}`;
  return `${t} verdict: ${event.verdict}`;
}

/** Loads werift only here: the library itself never depends on a Node WebRTC stack. */
async function loadWerift(): Promise<WeriftPeerConnectionClass> {
  try {
    const werift = (await import('werift')) as unknown as { RTCPeerConnection: WeriftPeerConnectionClass };
    return werift.RTCPeerConnection;
  } catch {
    throw new Error('The probe CLI needs werift (a WebRTC stack for Node): npm i werift');
  }
}

/** 0 only when the report shows something working: a WebRTC path, or a WebSocket that answered. */
export function exitCode(report: ProbeReport): 0 | 1 {
  if (report.verdict === 'webrtc' || report.verdict === 'webrtc-relay-tcp') return 0;
  return report.checks.websocket?.data.outcome === 'answered' ? 0 : 1;
}

/** Every credential the command line or the environment gave: never printed, whatever the error. */
function knownSecrets(argv: readonly string[]): string[] {
  const secrets = argv.flatMap((arg, i) => {
    const value = arg.startsWith('--ice-server=') ? arg.slice('--ice-server='.length) : argv[i - 1] === '--ice-server' ? arg : undefined;
    return value === undefined ? [] : [parseIceServerSpec(value).credential];
  });
  return [...secrets, process.env['CONVAI_TURN_CREDENTIAL']].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

async function loadWebSocket(): Promise<typeof WebSocket | undefined> {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  try {
    return ((await import('ws')) as unknown as { WebSocket: typeof WebSocket }).WebSocket;
  } catch {
    return undefined;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'ice-server': { type: 'string', multiple: true },
        'ws-url': { type: 'string' },
        deadline: { type: 'string' },
        policy: { type: 'string' },
        bind: { type: 'string' },
        quick: { type: 'boolean' },
        'no-connectivity': { type: 'boolean' },
        json: { type: 'boolean' },
        markdown: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] !== 'probe') {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  const secrets = knownSecrets(argv);
  try {
    const iceServers = (values['ice-server'] ?? []).map(parseServer);
    const deadline = values.deadline === undefined ? undefined : Number(values.deadline);
    const Werift = await loadWerift();
    const stunOnly = iceServers.length > 0 && !hasTurnServer(iceServers);
    const display = createProgressDisplay(process.stderr, {
      live: useLiveDisplay(process.stderr),
      colour: useColour(process.stderr),
      withWebSocket: values['ws-url'] !== undefined,
      plainLine: describe,
    });
    const report = await probe({
      iceServers,
      // an explicit --policy is passed through as given (the probe validates it)
      iceTransportPolicy: (values.policy ?? policyFor(iceServers)) as 'relay' | 'all',
      ...(deadline === undefined ? {} : { deadlineMs: deadline }),
      ...(values['ws-url'] === undefined ? {} : { wsUrl: values['ws-url'] }),
      connectivityCheck: !values['no-connectivity'],
      thorough: !values.quick,
      signal: controller.signal,
      RTCPeerConnection: weriftPeerConnection(Werift, values.bind === undefined ? {} : { bindAddress: values.bind }),
      ...(values['ws-url'] === undefined ? {} : { WebSocket: await loadWebSocket() }),
      onProgress: (event) => display.update(event),
    } as Parameters<typeof probe>[0]).finally(() => display.done());
    const format = values.json ? 'json' : values.markdown ? 'markdown' : 'text';
    process.stdout.write(renderOutput(report, format, useColour(process.stdout)));
    if (stunOnly) {
      // JSON stays machine-readable on stdout: the note goes to stderr there
      if (format === 'json') process.stderr.write(`${STUN_ONLY_NOTE}\n`);
      else process.stdout.write(`\n${STUN_ONLY_NOTE}\n`);
    }
    return exitCode(report);
  } catch (error) {
    const field = isConfigError(error) ? ` (field ${error.field})` : '';
    process.stderr.write(`error${field}: ${redact(error instanceof Error ? error.message : String(error), secrets)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

// run when executed, not when imported by a test
const invoked = process.argv[1] ?? '';
if (/cli\.(c?js|ts)$/.test(invoked)) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // werift keeps sockets with timers around after close(); do not wait for them
    setTimeout(() => process.exit(code), 50).unref();
  });
}
