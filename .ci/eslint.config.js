// ESLint flat config. It lives in .ci/ to keep the repository root to the
// project card; `npm run lint` passes it explicitly.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const infrastructure = [
  '@nestjs/*',
  'mongodb',
  'better-sqlite3',
  '@kurrent/*',
  '@eventstore/*',
  'graphql',
  'nodemailer',
  'fastify',
];
// Exact names: in import patterns (gitignore syntax) a leading # starts a comment.
const ioLibs = ['#event-store', '#read-store', '#projections', '#platform', '#security'];
const nodeIo = ['fs', 'net', 'http', 'https', 'child_process', 'worker_threads', 'dgram', 'dns', 'tls', 'crypto', 'os'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Nest's dependency injection reads constructor parameter types at run time:
    // a type-only import there would erase the class Nest needs.
    files: ['apps/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // The domain stays pure: no framework, driver, GraphQL or I/O.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioLibs.map((name) => ({ name, message: 'libs/domain is pure: it does not depend on libs that do I/O.' })),
          patterns: [
            { group: infrastructure, message: 'libs/domain is pure: no Nest, drivers, GraphQL or other libs with I/O.' },
            {
              group: [...nodeIo, ...nodeIo.map((m) => `node:${m}`), ...nodeIo.map((m) => `${m}/*`), ...nodeIo.map((m) => `node:${m}/*`)],
              message: 'libs/domain is pure: no node I/O modules; time and ids arrive on the command.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'libs/domain does no I/O.' }],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain never reads the clock: time arrives on the command.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The domain never reads the clock: time arrives on the command.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'The domain draws no random numbers: ids arrive on the command.' },
      ],
    },
  },
);
