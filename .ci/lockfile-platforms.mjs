// Records every platform binary of our native-addon dependencies in package-lock.json.
//
// The registry mirror of our build machines serves only some platforms' binaries
// (e.g. linux-x64 but not darwin-arm64 of @swc/core). npm then writes a lockfile
// without the missing ones, and `npm ci` refuses it ("Missing: … from lock file").
// A lockfile made elsewhere holds an entry for each, restricted by os/cpu/libc so
// npm installs only the matching one; this script adds those entries, derived from
// the package names. Run it after `npm install` changes the lockfile:
//   node .ci/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = 'package-lock.json';
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony'];
const CPU = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

function platformOf(name) {
  const suffix = name.split('/').pop();
  const parts = suffix.split('-');
  const osIndex = parts.findIndex((p) => OS.includes(p));
  if (osIndex === -1) return null;
  const os = parts[osIndex];
  const cpu = CPU[parts[osIndex + 1]];
  if (!cpu) return null;
  const abi = parts.slice(osIndex + 2).join('-');
  const platform = { os: [os], cpu: [cpu] };
  if (os === 'linux') platform.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return platform;
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === '' ? 'node_modules' : `${location}/node_modules`;
    // npm hoists: look next to the parent first, then at the root.
    if (packages[`${base}/${dep}`] || packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    packages[`node_modules/${dep}`] = {
      version,
      ...platform,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      license: entry.license,
    };
    added += 1;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${LOCK}: recorded ${added} platform binaries`);
