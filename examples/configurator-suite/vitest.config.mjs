import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Inside User-Mode Linux the host's files are read-only: the guest names a cache folder of its own.
  cacheDir: process.env.LVS_HARNESS_VITE_CACHE ?? 'node_modules/.vite',
  test: {
    include: ['test/**/*.test.ts'],
    // A build inside User-Mode Linux takes seconds; a wrong configurator's table is awaited to its timeout.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // One cluster at a time: they share the guest's two CPUs.
    fileParallelism: false,
  },
});
