import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The charting library a report inlines: Chart.js 4, its self-contained UMD
 * build (it defines `window.Chart`), read from node_modules when the report is
 * written, so that the page needs no network to be viewed and its version is the
 * one package-lock.json pins.
 */
export interface ChartLibrary {
  readonly name: string;
  readonly version: string;
  readonly source: string;
}

let cached: ChartLibrary | null = null;

export function chartJsLibrary(): ChartLibrary {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  // The package's exports map does not list its UMD file: find it next to the entry point.
  const entry = require.resolve('chart.js');
  const dist = path.dirname(entry);
  const manifest = JSON.parse(readFileSync(path.join(dist, '..', 'package.json'), 'utf8')) as { version: string };
  cached = { name: 'Chart.js', version: manifest.version, source: readFileSync(path.join(dist, 'chart.umd.min.js'), 'utf8') };
  return cached;
}
