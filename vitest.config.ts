import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // Loading the WASM backend in a beforeAll takes seconds when every core is busy with other suites.
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
