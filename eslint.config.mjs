// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// The layers of src/, from the top: the server and the commands, the features, the plan's
// persistence, the HTTP edge and the database, configuration, shared helpers. An import runs
// down, never up (README, Layout).
const FEATURES =
  'auth|users|workouts|selections|workout-import|stats|calendar|weather|schedule|health|metrics|backup';
const TOP = '^(\\./|(\\.\\./)+)(app\\.module|app\\.setup|main)$';
const above = (folders) => `^(\\.\\./)+(${folders})(/|$)`;
const layer = (folder, regexes, files = [`src/${folder}/**/*.ts`]) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: regexes.map((regex) => ({
          regex,
          message: `src/${folder}/ imports only from the layers below it (README, Layout).`,
        })),
      },
    ],
  },
});
const LAYERS = [
  layer('cli', [TOP]),
  layer('<feature>', [TOP, above('cli')], [`src/{${FEATURES.replaceAll('|', ',')}}/**/*.ts`]),
  layer('plan', [TOP, above(`cli|${FEATURES}`)]),
  layer('http', [TOP, above(`cli|plan|database|${FEATURES}`)]),
  layer('database', [TOP, above(`cli|plan|http|${FEATURES}`)]),
  layer('config', [TOP, above(`cli|plan|http|database|${FEATURES}`)]),
  layer('shared', ['^\\.\\./']),
];

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
  ...LAYERS,
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
