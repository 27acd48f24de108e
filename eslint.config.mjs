// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['eslint.config.mjs', '.dependency-cruiser.cjs', 'dist/**', 'node_modules/**', 'ops/stack/**', 'ops/bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Workflow code is replayed deterministically inside Temporal's sandbox: no I/O, no clients,
    // no Node built-ins, and activities only as types.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must not use Node built-ins.' })),
          patterns: [
            { group: ['pg', 'pg-*', 'ioredis', 'ws', 'koa', 'koa-*', '@koa/*', '@aws-sdk/*', '@opensearch-project/*'], message: 'Workflows must not use clients or I/O.' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows use @temporalio/workflow only.' },
            { group: ['../*', '!../workflows/*'], allowTypeImports: true, message: 'Workflows may import other project code as types only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['ops/scripts/**/*.ts', 'test/**/*.ts', 'ops/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests read loosely typed JSON responses and assert on their shape.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
