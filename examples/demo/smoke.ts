import type { Demo } from './start-demo.js';

export interface SmokeResult {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/**
 * What `DEMO_SMOKE=1` checks: every page and every script it loads answers 200, the
 * page config is served, and the backend's `/health` answers with both services.
 * Each request has its own timeout, so a hung server fails the check instead of hanging it.
 */
export async function smokeCheck(demo: Demo, timeoutMs = 5_000): Promise<SmokeResult> {
  const lines: string[] = [];
  let ok = true;
  const get = async (url: string): Promise<Response | undefined> => {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      ok = false;
      lines.push(`FAIL ${url}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const expect200 = (url: string, response: Response | undefined): boolean => {
    if (!response) return false;
    if (response.status !== 200) {
      ok = false;
      lines.push(`FAIL ${url}: HTTP ${response.status}`);
      return false;
    }
    lines.push(`ok   ${url}`);
    return true;
  };

  for (const page of demo.pages) {
    const response = await get(page.url);
    if (!expect200(page.url, response)) continue;
    const html = await response!.text();
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => new URL(m[1]!, page.url).href);
    if (scripts.length === 0) {
      ok = false;
      lines.push(`FAIL ${page.url}: no script in the page`);
    }
    for (const script of scripts) expect200(script, await get(script));
  }
  if (demo.stack.turn && demo.pages.some((p) => p.name === 'diagnostics')) {
    // the redirect that pre-fills the diagnostics page with the local coturn
    const url = `${demo.server.url}/diagnostics-local`;
    const response = await get(url);
    if (expect200(url, response) && !new URL(response!.url).pathname.startsWith('/diagnostics/')) {
      ok = false;
      lines.push(`FAIL ${url} did not lead to the diagnostics page`);
    }
  }
  const configUrl = `${demo.server.url}/demo-config.json`;
  const config = await get(configUrl);
  if (expect200(configUrl, config)) {
    const body = (await config!.json()) as { backendUrl?: unknown };
    if (body.backendUrl !== demo.stack.backend.url) {
      ok = false;
      lines.push('FAIL /demo-config.json does not name the running backend');
    }
  }
  const healthUrl = `${demo.stack.backend.url}/health`;
  const health = await get(healthUrl);
  if (expect200(healthUrl, health)) {
    const body = (await health!.json()) as { services?: unknown };
    const services = Array.isArray(body.services) ? body.services : [];
    for (const name of ['livekit-room', 'pipecat-bot']) {
      if (!services.includes(name)) {
        ok = false;
        lines.push(`FAIL /health does not list the ${name} service (got ${JSON.stringify(services)})`);
      }
    }
  }
  lines.push(ok ? 'all checks passed' : 'some checks FAILED');
  return { ok, lines };
}
