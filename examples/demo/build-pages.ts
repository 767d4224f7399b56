import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLES_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The example pages, in the order the demo lists them. `diagnostics` is the probes engineer's. */
export const PAGES = ['vanilla', 'react', 'diagnostics'] as const;
export type PageName = (typeof PAGES)[number];

export interface BuildPagesOptions {
  readonly outDir: string;
  /** @default every page that exists */
  readonly pages?: readonly PageName[];
  /**
   * Build React in development mode, so StrictMode double-runs effects as it does
   * while developing (the React example shows that the hook connects once anyway).
   * @default true
   */
  readonly reactDevelopment?: boolean;
}

/** Which of the pages have an `index.html` (the diagnostics page may not exist yet). */
export function availablePages(pages: readonly PageName[] = PAGES): PageName[] {
  return pages.filter((p) => existsSync(join(EXAMPLES_DIR, p, 'index.html')));
}

/**
 * Builds each page with Vite (its JS API, no config file: the pages import the package
 * by name, which resolves through `exports` to dist/ via the self-link `scripts/setup.mjs`
 * makes, exactly as in an app). Output: `outDir/<page>/`, served under `/<page>/`.
 */
export async function buildPages(options: BuildPagesOptions): Promise<PageName[]> {
  // imported here so `demo.ts --help` and the stack do not pay for loading Vite
  const { build } = await import('vite');
  const built: PageName[] = [];
  for (const page of availablePages(options.pages)) {
    const development = page === 'react' && options.reactDevelopment !== false;
    await build({
      root: join(EXAMPLES_DIR, page),
      base: `/${page}/`,
      configFile: false,
      logLevel: 'error',
      mode: development ? 'development' : 'production',
      ...(development ? { define: { 'process.env.NODE_ENV': '"development"' } } : {}),
      build: {
        outDir: join(options.outDir, page),
        emptyOutDir: true,
        minify: !development,
        sourcemap: true,
        // livekit-client alone is ~500 kB; the warning is about the SDK, not the page
        chunkSizeWarningLimit: 2_000,
      },
    });
    built.push(page);
  }
  return built;
}
