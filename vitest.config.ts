import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests import the public entry by its package name; point it at the
    // sources so a test run never depends on a stale build.
    alias: [
      { find: /^siphon-sync$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^siphon-sync\/(.+)$/, replacement: fileURLToPath(new URL('./src/entries/$1.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two files at a time: most of a file's time is spent waiting on servers and child processes,
    // and every timing-sensitive test is written to hold on a loaded machine. On 2 cores vitest would
    // otherwise run one file at a time, past the 8-minute budget.
    maxWorkers: 2,
    // Services first: a missing one fails (or is reported) before the build's seconds.
    globalSetup: ['test/setup/services.ts', 'test/setup/build-dist.ts'],
  },
});
