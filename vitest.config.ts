import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: ['test/integration/kube*.test.ts'],
          // One real cluster per file; files one at a time so the JVMs do not fight over 2 cores.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The part of the integration suite that runs on every Flink version (scripts/test.sh).
        test: {
          name: 'smoke',
          include: ['test/integration/**/*.smoke.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          // A real kube-apiserver + kwok in front of a real local Flink (scripts/test.sh: full versions).
          name: 'kube',
          include: ['test/integration/kube*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
