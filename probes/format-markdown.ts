import { adviseOnReport } from './advice.js';
import { formatReport } from './format-report.js';
import type { ProbeReport, ServerResult } from './types.js';

/** Markdown cells may not hold a pipe or a line break. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function row(s: ServerResult): string {
  const label = s.kind === 'host' ? 'host candidates' : `\`${s.url}\``;
  const types = [...new Set(s.candidates.map((c) => c.type))].join(', ') || '–';
  const errors = s.errors.map((e) => `${e.code} ${e.text}`.trim()).join('; ') || '–';
  return `| ${cell(label)} | ${s.kind.toUpperCase()}/${s.transport.toUpperCase()} | ${s.outcome} | ${cell(types)} | ${s.firstUsefulMs ?? s.durationMs} ms | ${cell(errors)} |`;
}

/**
 * The report as Markdown, for pasting into a support ticket or an issue: the verdict and
 * advice in words, the per-server table, and the plain text report folded underneath.
 */
export function formatMarkdown(report: ProbeReport): string {
  const advice = adviseOnReport(report);
  const { connectivity, websocket } = report.checks;
  const lines = [
    `### Network check: \`${report.verdict}\``,
    '',
    `**${advice.headline}** ${[...advice.actions, advice.consequence].join(' ')}`,
    '',
    `- Reasons: ${report.reasons.length ? report.reasons.map((r) => `\`${r}\``).join(', ') : 'none'}`,
    `- Policy \`${report.policy}\`, took ${report.durationMs} ms (deadline ${report.deadlineMs} ms), started ${report.startedAt}`,
    `- Connectivity check: ${connectivity.status === 'skipped' ? 'skipped' : connectivity.data.ok ? `ok via ${connectivity.data.via} relay, RTT ${connectivity.data.rttMs} ms` : `failed${connectivity.error ? ` (${cell(connectivity.error)})` : ''}`}`,
  ];
  if (websocket) lines.push(`- WebSocket \`${websocket.data.url}\`: ${websocket.data.outcome}`);
  const servers = report.checks.gathering.data.servers;
  if (servers.length) {
    lines.push('', '| Server | Kind | Result | Candidates | Time | Errors |', '|---|---|---|---|---|---|', ...servers.map(row));
  }
  lines.push('', '<details><summary>Text report</summary>', '', '```text', formatReport(report), '```', '', '</details>');
  return lines.join('\n');
}
