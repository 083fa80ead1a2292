const { SourceTextModule } = require('node:vm');

// The specs stay CommonJS; NestJS 12 is ESM-only. Jest loads those packages through require(esm),
// which needs Node 24.9+ started with --experimental-vm-modules (npm test does that).
if (typeof SourceTextModule?.prototype.hasAsyncGraph !== 'function') {
  throw new Error(
    `Jest needs Node 24.9 or later started with --experimental-vm-modules to load NestJS 12 ` +
      `(this is Node ${process.version}${typeof SourceTextModule === 'function' ? '' : ', without the flag'}): ` +
      'run `npm test -- <args>`, or `node --experimental-vm-modules node_modules/.bin/jest <args>`.',
  );
}

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // A global option: Jest ignores it inside a project entry.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
