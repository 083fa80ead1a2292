// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'eslint.config.mjs', 'jest.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Migrations are frozen history: they carry their own SQL and never follow the app's code.
    files: ['migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/**', '../src'], message: 'Migrations import nothing from src/.' },
          ],
        },
      ],
    },
  },
  {
    // One write path: TransactionRunner.write owns every transaction, its retry and its 503.
    files: ['src/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/database/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(transaction|startTransaction|commitTransaction|rollbackTransaction)$/]',
          message:
            'Transactions belong to the write path: use TransactionRunner.write (or rehearse).',
        },
        {
          selector:
            'CallExpression[callee.property.name="query"] > Literal.arguments:first-child[value=/^\\s*(BEGIN|START|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\\b/i]',
          message:
            'Transactions belong to the write path: use TransactionRunner.write (or rehearse).',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
