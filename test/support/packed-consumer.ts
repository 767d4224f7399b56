import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface PackedConsumer {
  /** The consumer's root: `node_modules/convai-transport` is the unpacked tarball, `src/` the fixtures. */
  readonly dir: string;
  remove(): Promise<void>;
}

/**
 * A consumer of the package as published: `npm pack` of this repository, unpacked into
 * the consumer's node_modules (what `npm install <tarball>` does; the tarball's
 * dependencies resolve from this repository's node_modules, so no registry is needed),
 * and the given fixtures copied to `src/`. It lives under this repository's node_modules
 * for that resolution, with a package.json of its own: without one this repository's
 * (name `convai-transport`) is the nearest, and bundlers resolve the name to the
 * repository itself (a self-reference).
 */
export async function createPackedConsumer(fixtures: string): Promise<PackedConsumer> {
  const root = resolve('.');
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  const packDir = await mkdtemp(join(root, 'node_modules', '.compat-pack-'));
  const dir = await mkdtemp(join(root, 'node_modules', '.compat-consumer-'));
  const remove = async (): Promise<void> => {
    await Promise.all([packDir, dir].map((d) => rm(d, { recursive: true, force: true })));
  };
  try {
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], { cwd: root });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    const installed = join(dir, 'node_modules', 'convai-transport');
    await mkdir(installed, { recursive: true });
    await exec('tar', ['xzf', join(packDir, filename), '-C', installed, '--strip-components=1']);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'compat-consumer', private: true, type: 'module' }));
    await mkdir(join(dir, 'src'));
    for (const file of await readdir(fixtures)) await copyFile(join(fixtures, file), join(dir, 'src', file));
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}
