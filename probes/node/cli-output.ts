import { adviseOnReport } from '../advice.js';
import { formatMarkdown } from '../format-markdown.js';
import { formatReport } from '../format-report.js';
import type { CheckName, CheckStatus, ProbeProgressEvent, ProbeReport } from '../types.js';

/** The part of a Node stream the display needs (a test passes a fake). */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Colour only on a terminal, never when piped, and never under `NO_COLOR` (no-color.org)
 * or `TERM=dumb`; `FORCE_COLOR=1` turns it on anyway (as Node's own util.styleText does).
 */
export function useColour(stream: OutStream, env: Env = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** A live display redraws lines in place: a terminal only, and not in CI logs. */
export function useLiveDisplay(stream: OutStream, env: Env = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb' && !env['CI'];
}

const ESC = '\u001b[';
const paint = (on: boolean, code: string, text: string): string => (on ? `${ESC}${code}m${text}${ESC}0m` : text);
export const green = (on: boolean, t: string): string => paint(on, '32', t);
export const yellow = (on: boolean, t: string): string => paint(on, '33', t);
export const red = (on: boolean, t: string): string => paint(on, '31', t);
export const bold = (on: boolean, t: string): string => paint(on, '1', t);
export const dim = (on: boolean, t: string): string => paint(on, '2', t);

const STEPS: readonly [CheckName, string][] = [
  ['capability', 'WebRTC in this runtime'],
  ['ice-gathering', 'STUN/TURN servers'],
  ['connectivity', 'Relay connectivity'],
  ['websocket', 'WebSocket'],
];
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressDisplay {
  update(event: ProbeProgressEvent): void;
  /** Stops the spinner and leaves the final state on screen (live) or does nothing (plain). */
  done(): void;
}

export interface ProgressDisplayOptions {
  readonly live: boolean;
  readonly colour: boolean;
  readonly withWebSocket: boolean;
  /** The plain line for one event, as printed when not live (undefined: print nothing). */
  readonly plainLine: (event: ProbeProgressEvent) => string | undefined;
}

/**
 * Progress on stderr: on a terminal, one line per check redrawn in place with a spinner;
 * piped, the plain event lines (what scripts and logs have always seen).
 */
export function createProgressDisplay(stream: OutStream, options: ProgressDisplayOptions): ProgressDisplay {
  if (!options.live) {
    return {
      update: (event) => {
        const line = options.plainLine(event);
        if (line) stream.write(`${line}\n`);
      },
      done: () => {},
    };
  }
  const c = options.colour;
  const status = new Map<CheckName, CheckStatus>();
  let candidates = 0;
  let settled = 0;
  let frame = 0;
  let drawn = 0;
  const steps = STEPS.filter(([name]) => name !== 'websocket' || options.withWebSocket);
  const symbol = (s: CheckStatus | undefined): string => {
    if (s === 'running') return c ? `${ESC}36m${SPINNER[frame % SPINNER.length]}${ESC}0m` : SPINNER[frame % SPINNER.length]!;
    if (s === 'success') return green(c, '✔');
    if (s === 'failed' || s === 'aborted') return red(c, '✖');
    if (s === 'skipped') return dim(c, '–');
    return dim(c, '·');
  };
  const detail = (name: CheckName, s: CheckStatus | undefined): string => {
    const word = s === undefined || s === 'idle' ? 'waiting' : s === 'running' ? 'checking…' : s;
    if (name !== 'ice-gathering' || s === undefined) return word;
    // settled counts the host-candidate gatherer too, so no "of N": the total is not known up front
    return `${word}, ${settled} settled, ${candidates} candidate${candidates === 1 ? '' : 's'}`;
  };
  const draw = (): void => {
    const lines = steps.map(([name, label]) => `${symbol(status.get(name))} ${label.padEnd(24)} ${dim(c, detail(name, status.get(name)))}`);
    // back to the first line of the block, then rewrite each line whole
    const up = drawn ? `${ESC}${drawn}A` : '';
    stream.write(`${up}${lines.map((l) => `\r${ESC}2K${l}`).join('\n')}\n`);
    drawn = lines.length;
  };
  stream.write(`${ESC}?25l`);
  draw();
  const timer = setInterval(() => {
    frame += 1;
    draw();
  }, 100);
  timer.unref?.();
  return {
    update: (event) => {
      if (event.type === 'check') status.set(event.check, event.status);
      if (event.type === 'candidate') candidates += 1;
      if (event.type === 'server') settled += 1;
      draw();
    },
    done: () => {
      clearInterval(timer);
      draw();
      stream.write(`${ESC}?25h`);
    },
  };
}

/** The text report with the verdict line and the per-server marks in colour, and the advice after it. */
export function colourReport(report: ProbeReport, colour: boolean): string {
  const advice = adviseOnReport(report);
  const tint = advice.tone === 'good' ? green : advice.tone === 'fair' ? yellow : red;
  const text = formatReport(report)
    .split('\n')
    .map((line) => {
      if (line.startsWith('Verdict:')) return bold(colour, tint(colour, line));
      return line.replace(/^ {2}ok {2}/, `  ${green(colour, 'ok')}  `).replace(/^ {2}FAIL/, `  ${red(colour, 'FAIL')}`).replace(/^ {2}skip/, `  ${dim(colour, 'skip')}`);
    });
  const todo = [advice.headline, ...advice.actions, advice.consequence].map((l) => `  ${l}`);
  return [...text, '', bold(colour, 'What this means:'), ...todo].join('\n');
}

export type OutputFormat = 'text' | 'json' | 'markdown';

/** What goes to stdout: JSON unchanged, Markdown for tickets, or the text report (coloured on a terminal). */
export function renderOutput(report: ProbeReport, format: OutputFormat, colour: boolean): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return `${formatMarkdown(report)}\n`;
  return `${colour ? colourReport(report, true) : formatReport(report)}\n`;
}
