import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The domain rule: no infrastructure import, and no relative import the `outside` pattern matches (one that leaves domain/ folders). */
const pureDomain = (outside) => ['error', {
  patterns: [
    { group: ['kafkajs', '@kafkajs/*', 'pg', 'slonik', 'fastify', '@fastify/*', 'undici', 'node:net', 'node:http', 'node:fs', 'node:fs/*', 'node:child_process', 'node:worker_threads'], message: 'domain/ is pure: no infrastructure imports.' },
    { regex: outside, message: 'domain/ imports only from domain/ folders (its own, another capability\'s, the platform\'s).' },
  ],
}];

export default tseslint.config(
  { ignores: ['node_modules/**', '.mittr/**', 'bench/results/**', 'coverage/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', 'scripts/**/*.js'], languageOptions: { globals: { Buffer: 'readonly', process: 'readonly', console: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // A capability's domain/ (and the platform's) is pure: decisions take clock and ids as
    // arguments, import no infrastructure, and import nothing outside a domain/ folder.
    files: ['services/*/domain/**/*.ts'],
    rules: { 'no-restricted-imports': pureDomain('^\\.\\./(?!\\.\\./[\\w-]+/domain/[\\w.-]+$)') },
  },
  {
    // A domain/ may have one level of sub-folders (inbound's verify/ and presets/): a file there
    // may also import from its domain's root and its sibling folders, still never outside.
    files: ['services/*/domain/*/*.ts'],
    rules: { 'no-restricted-imports': pureDomain('^\\.\\./(?!(?:[\\w.-]+|[\\w-]+/[\\w.-]+|\\.\\./\\.\\./[\\w-]+/domain/[\\w.-]+)$)') },
  },
);
