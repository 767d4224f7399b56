import type { CheckResult, ProbeReport, ServerResult } from './types.js';

/**
 * The last redaction pass, by structure: only the fields that can carry text a stack wrote
 * (a check's `error`, a server's error texts) are cleaned. Everything else is an enum, a
 * number, a code, or a URL that validation already checked, and is kept as it is. Never
 * replace text in the serialised report: a credential equal to a key or a value
 * (`verdict`, `websocket`) or holding `"` or `\` would corrupt it.
 */
export function redactReport(report: ProbeReport, clean: (text: string) => string): ProbeReport {
  const check = <T>(result: CheckResult<T>, data: T = result.data): CheckResult<T> => ({
    ...result,
    data,
    ...(result.error === undefined ? {} : { error: clean(result.error) }),
  });
  const server = (result: ServerResult): ServerResult => ({
    ...result,
    errors: result.errors.map((e) => ({ code: e.code, text: clean(e.text) })),
  });
  const { capability, gathering, connectivity, websocket } = report.checks;
  return {
    ...report,
    checks: {
      capability: check(capability),
      gathering: check(gathering, { ...gathering.data, servers: gathering.data.servers.map(server) }),
      connectivity: check(connectivity),
      ...(websocket ? { websocket: check(websocket) } : {}),
    },
  };
}
