// @ts-check
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Workflow code is replayed by Temporal and must be deterministic: no I/O, no clocks, no Node
// built-ins, nothing from the layers that do I/O. Activities may be imported as types only
// (for proxyActivities); everything else a workflow needs comes from pure domain/ code.
const forbiddenInWorkflows = [
  ...builtinModules.flatMap((name) => [name, `node:${name}`]),
  'pg',
  'pg-*',
  'kysely',
  'kysely/*',
  'nodemailer',
  'nodemailer/*',
  'mjml',
  'mjml-*',
  'liquidjs',
  'smtp-server',
  'fastify',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data/', 'bench/results/', 'test/fixtures/lint/', '.scratch/', 'dist/', '.faults/', 'console/dist/', 'console/src/api/schema.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests read JSON answers the way a client does: loosely, asserting on what they contain.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: forbiddenInWorkflows
            .filter((name) => !name.includes('*'))
            .map((name) => ({ name, message: 'Workflow code must stay deterministic: do I/O in an activity.' })),
          patterns: [
            {
              group: forbiddenInWorkflows.filter((name) => name.includes('*')),
              message: 'Workflow code must stay deterministic: do I/O in an activity.',
            },
            {
              group: ['**/db', '**/db/**', '**/api', '**/api/**', '**/orchestration', '**/orchestration/**', '**/worker', '**/worker/**', '**/scripts/**', '**/engine', '**/engine/**'],
              message: 'Workflows may not import db/, api/, orchestration/, worker/, engine/ or scripts/: only pure domain/ code.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows reach activities only through `import type` and proxyActivities.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((name) => [name, `node:${name}`]).map((name) => ({
            name,
            message: 'domain/ is pure: no I/O.',
          })),
          patterns: [
            {
              group: ['**/db/**', '**/api/**', '**/orchestration/**', '**/worker/**', '**/activities/**', '**/workflows/**', '**/engine/**', 'pg', 'kysely', 'nodemailer', '@temporalio/*'],
              message: 'domain/ is pure and imports nothing from the layers above it.',
            },
          ],
        },
      ],
    },
  },
  {
    // HTTP is the outermost layer: the layers below it (storage, activities, orchestration, the
    // worker) never reach up into api/, and storage never starts workflows.
    files: ['db/**/*.ts', 'activities/**/*.ts', 'orchestration/**/*.ts', 'worker/**/*.ts', 'telemetry/**/*.ts', 'templates/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/api', '**/api/**'], message: 'Only scripts/ and tests sit above api/: move what both need below it.' }] },
      ],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/api', '**/api/**'], message: 'Only scripts/ and tests sit above api/: move what both need below it.' },
            { group: ['**/orchestration', '**/orchestration/**', '**/activities', '**/activities/**'], message: 'db/ stores and reads; orchestration and activities call it, never the reverse.' },
            { group: ['**/engine', '**/engine/**'], message: 'engine/ composes the layers; they never reach up into it.' },
          ],
        },
      ],
    },
  },
  {
    // A route is HTTP (schemas, roles, status codes); what it does goes through its service in
    // api/*.service.ts, the one place a capability reaches storage or Temporal. Types may cross.
    files: ['api/routes/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@temporalio/client', allowTypeImports: true, message: 'A route reaches Temporal through its service (api/*.service.ts).' },
            { name: 'kysely', allowTypeImports: true, message: 'A route reaches the database through its service (api/*.service.ts).' },
          ],
          patterns: [
            {
              group: ['**/db', '**/db/**', '**/orchestration', '**/orchestration/**', '**/activities', '**/activities/**', '**/engine', '**/engine/**'],
              allowTypeImports: true,
              message: 'A route reaches db/, orchestration/ and activities through its service (api/*.service.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // The parts the composition root assembles stay unaware of it (worker/, api/, scripts/ use it).
    files: ['activities/**/*.ts', 'orchestration/**/*.ts', 'telemetry/**/*.ts', 'templates/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/api', '**/api/**'], message: 'Only scripts/ and tests sit above api/: move what both need below it.' },
            { group: ['**/engine', '**/engine/**'], message: 'engine/ composes the layers; they never reach up into it.' },
          ],
        },
      ],
    },
  },
  {
    // Benches borrow what tests share from test/support/ (databases, fixtures, settings) and nothing
    // else of test/: a bench never depends on a test helper's vitest wiring.
    files: ['bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/test/**', '!**/test/support', '!**/test/support/**'], message: 'bench/ may import test/support/ only: move what it needs there.' }] },
      ],
    },
  },
  {
    // ...and never the reverse: no test reaches into bench/.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/bench', '**/bench/**'], message: 'Tests never import bench/: bench/ borrows from test/support/, not the reverse.' }] },
      ],
    },
  },
  {
    // test/support/ stands on its own, so a bench that imports it pulls in no test helper.
    files: ['test/support/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/bench', '**/bench/**'], message: 'Tests never import bench/: bench/ borrows from test/support/, not the reverse.' },
            { group: ['**/helpers/**', '**/setup/**', '**/e2e/**', '**/integration/**', '**/unit/**', '**/faults/**'], message: 'test/support/ is what bench/ may borrow: it imports no other part of test/.' },
          ],
        },
      ],
    },
  },
  {
    // The composition root builds the engine's parts; the processes that run them sit above it.
    files: ['engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api', '**/api/**', '**/worker', '**/worker/**', '**/scripts', '**/scripts/**', '**/test/**', '**/bench/**'],
              message: 'engine/ builds parts for api/, worker/ and scripts/, and may not import them (nor tests or benches).',
            },
          ],
        },
      ],
    },
  },
);
