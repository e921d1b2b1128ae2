import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

// The domain's purity is enforced by lint; this proves the rule bites.
const lint = async (filePath: string, code: string): Promise<string[]> => {
  const eslint = new ESLint({ overrideConfigFile: '.ci/eslint.config.js' });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
};

describe('libs/domain stays pure', () => {
  it.each([
    ["import { Injectable } from '@nestjs/common';", 'Nest'],
    ["import { MongoClient } from 'mongodb';", 'a driver'],
    ["import Database from 'better-sqlite3';", 'a driver'],
    ["import { GraphQLError } from 'graphql';", 'GraphQL'],
    ["import { readFileSync } from 'node:fs';", 'node I/O'],
    ["import { randomUUID } from 'crypto';", 'node I/O'],
    ["import { SqliteEventStore } from '#event-store';", 'a lib with I/O'],
    ['export const now = () => new Date();', 'the clock'],
    ['export const id = () => Math.random();', 'randomness'],
  ])('refuses `%s` (%s)', async (code) => {
    const rules = await lint('libs/domain/src/third-party/example.ts', `${code}\nexport {};\n`);
    expect(rules.some((r) => r === 'no-restricted-imports' || r === 'no-restricted-syntax')).toBe(true);
  });

  it('allows the same imports outside the domain', async () => {
    const rules = await lint('libs/event-store/src/example.ts', "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID;\n");
    expect(rules).toEqual([]);
  });
});
