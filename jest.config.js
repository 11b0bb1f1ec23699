/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60_000,
  setupFiles: ['<rootDir>/test/support/quiet-sdk.ts'],
  // The aliases tsconfig.json declares for tests deep in test/unit (functions are bundled without them).
  moduleNameMapper: {
    '^@functions/(.*)$': '<rootDir>/functions/$1',
    '^@support/(.*)$': '<rootDir>/test/support/$1',
  },
};
