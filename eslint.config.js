// Typed lint for the whole repo. Two architectural rules: processors/ is pure domain logic, so it may not import
// runtime code, I/O clients or the environment (as Kafka Streams' import-control does); and SQL lives in src/db/,
// so nothing else imports pg except for its types.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.stack/', 'drizzle/', 'coverage/', 'bench/results/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['processors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '../src/*', '../../src/*'],
              message: 'processors/ is pure: no runtime code.',
            },
            {
              group: ['@confluentinc/*', 'pg', 'drizzle-orm*', 'pino', 'prom-client', 'node:*'],
              message: 'processors/ is pure: no I/O, clocks or environment.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'processors/ must not read the environment.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'processors/ takes time as input (event or stream time).',
        },
      ],
    },
  },
  {
    // SQL lives in src/db/: elsewhere pg is imported for its types only (a pool or client passed in).
    // Tests and tooling (test/, scripts/, bench/) may talk to the database directly.
    // And what ships carries no test or bench code: fixtures and drivers stay with the tests.
    files: ['**/*.ts', '**/*.js'],
    ignores: ['src/db/**', '**/*.spec.ts', 'test/**', 'scripts/**', 'bench/**', 'processors/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'pg',
              message: 'Database access goes through src/db/ (repositories); import pg for its types only.',
              allowTypeImports: true,
            },
          ],
          patterns: [
            {
              group: ['pg/*'],
              message: 'Database access goes through src/db/ (repositories).',
              allowTypeImports: true,
            },
            {
              group: ['**/testing/*', '**/test/**', '**/bench/**'],
              message: 'Production code may not import test fixtures, test support or benchmarks.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
