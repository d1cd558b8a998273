import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.node22/', 'coverage/', 'demo/**/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The CLI entry point, benchmarks and scripts own stdout/stderr; library code never logs.
    files: ['src/cli/**', 'bench/**', 'demo/**', 'test/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
);
