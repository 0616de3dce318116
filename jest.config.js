// One `npm test` runs every project; `jest --selectProjects unit` runs one.
const aliases = {
  '^@bridge/(core|persistence|testing|invoicebox|rkeeper|fias|receipts)$': '<rootDir>/libs/$1/src/index.ts',
  '^@bridge/simulators$': '<rootDir>/apps/simulators/src/index.ts',
};

const base = {
  rootDir: __dirname,
  transform: { '^.+\\.(ts|js|mjs)$': '<rootDir>/tools/jest-transformer.js' },
  transformIgnorePatterns: [],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: aliases,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/tools/jest-setup.js'],
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
};

module.exports = {
  // Per-project testTimeout is ignored by jest: integration and e2e tests need this one.
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
