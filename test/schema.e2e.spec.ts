import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'graphql';
import { SuiviApp } from './support/suivi-app.js';

const normalise = (sdl: string): string => printSchema(lexicographicSortSchema(buildSchema(sdl)));

describe('schema.graphql, the contract frontends consume', () => {
  let suivi: SuiviApp;
  beforeAll(async () => {
    suivi = await SuiviApp.start();
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('is exactly what the running server answers to introspection', async () => {
    const { body } = await suivi.graphql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true }));
    expect(body.errors).toBeUndefined();
    const served = printSchema(lexicographicSortSchema(buildClientSchema(body.data!)));
    const committed = normalise(readFileSync('schema.graphql', 'utf8'));
    // On failure: `npm run schema:print` regenerates the file from the code.
    expect(served).toBe(committed);
  });
});
