import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildSchemaSdl } from './schema-sdl.js';

/**
 * `npm run schema:print` rewrites schema.graphql from the code;
 * `npm run schema:check` fails when the committed contract and the code differ.
 */
const SCHEMA_FILE = 'schema.graphql';
const sdl = await buildSchemaSdl();
if (process.argv.includes('--check')) {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  if (committed !== sdl) {
    process.stderr.write(`${SCHEMA_FILE} differs from the schema the code defines: run \`npm run schema:print\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${SCHEMA_FILE} matches the code\n`);
} else {
  writeFileSync(SCHEMA_FILE, sdl);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
