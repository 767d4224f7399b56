import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Strings only Pipecat's code carries: its package scope, RTVI's wire label, its classes. */
export const PIPECAT_MARKERS = ['@pipecat-ai', 'rtvi-ai', 'PipecatClient', 'RTVIClient', 'ProtobufFrameSerializer'] as const;

export function pipecatMarkersIn(code: string): string[] {
  return PIPECAT_MARKERS.filter((m) => code.includes(m));
}

/** Protobuf type names livekit-client (through @livekit/protocol) carries as strings: they survive minification. */
export const LIVEKIT_MARKERS = ['livekit.ParticipantInfo', 'livekit.ClientInfo', 'livekit.WrappedJoinRequest'] as const;

export function livekitMarkersIn(code: string): string[] {
  return LIVEKIT_MARKERS.filter((m) => code.includes(m));
}

const STATIC_IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
const REQUIRE = /require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
const DYNAMIC_IMPORT = /import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

export interface Graph {
  /** Files reachable through static imports / requires, entry included. */
  readonly staticFiles: string[];
  /** Targets of dynamic `import()` seen in those files. */
  readonly dynamicTargets: string[];
}

/**
 * Follows relative static imports from `entry` through bundler output. A
 * `require()` wrapped in `Promise.resolve().then(...)` (tsup's CJS form of a dynamic
 * import) counts as static here on purpose: a bundler would not split it either.
 */
export async function staticGraph(entry: string): Promise<Graph> {
  const seen = new Set<string>();
  const dynamic = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(file, 'utf8');
    for (const match of code.matchAll(DYNAMIC_IMPORT)) dynamic.add(resolve(dirname(file), match[1]!));
    const withoutDynamic = code.replace(DYNAMIC_IMPORT, '');
    for (const re of [STATIC_IMPORT, REQUIRE]) {
      for (const match of withoutDynamic.matchAll(re)) queue.push(resolve(dirname(file), match[1]!));
    }
  }
  return { staticFiles: [...seen], dynamicTargets: [...dynamic] };
}
