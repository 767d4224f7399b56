#!/usr/bin/env node
// Installs what the tests and the demo need and are missing: Debian packages
// (as root; otherwise it says what to install) and npm packages. Idempotent and
// fast when everything is there, so `npm test` and `npm run demo` can call it first.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const APT = [
  ['chromium', '/usr/bin/chromium'],
  ['coturn', '/usr/bin/turnserver'],
  ['nftables', '/usr/sbin/nft'],
  ['iproute2', '/usr/sbin/ip'],
  // the cross-engine e2e files (test/e2e/engine-*.test.ts): Firefox over WebDriver BiDi,
  // WebKitGTK's MiniBrowser through WebKitWebDriver, and an X server for MiniBrowser
  ['firefox-esr', '/usr/bin/firefox-esr'],
  ['webkit2gtk-driver', '/usr/bin/WebKitWebDriver'],
  ['xvfb', '/usr/bin/xvfb-run'],
  ['xauth', '/usr/bin/xauth'],
];

const missing = APT.filter(([, bin]) => !existsSync(bin)).map(([pkg]) => pkg);
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`[setup] missing Debian packages: ${missing.join(' ')}. Run: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`[setup] apt-get install ${missing.join(' ')}`);
  execSync('apt-get update -qq', { stdio: 'inherit' });
  execSync(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`, {
    stdio: 'inherit',
  });
}

// coturn's Debian package starts a system service on 3478; our tests run their own
// instances on free ports, so the system one is only noise.
spawnSync('sh', ['-c', 'command -v systemctl >/dev/null && systemctl stop coturn 2>/dev/null; true']);

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('[setup] npm ci');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}

// The examples and the bundle-boundary tests import the package by name, as a consumer
// would, so bundlers resolve it through `exports` to dist/. A self-link provides that.
import { lstatSync, symlinkSync } from 'node:fs';
try {
  lstatSync('node_modules/convai-transport');
} catch {
  symlinkSync('..', 'node_modules/convai-transport', 'dir');
}
