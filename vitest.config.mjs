// Four projects: `unit` holds the pure parts and runs anywhere without root; `host` runs
// the lvs-harness command as a user would, on the host as root; `kernel` builds real
// clusters and must run in a kernel with IPVS and ipip (scripts/run-tests.mjs puts it
// there: the host kernel or a guest); `matrix` (npm run test:matrix, not in npm test) runs
// checks in Debian's kernels in QEMU.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The project folder is read-only inside User-Mode Linux: keep Vite's cache off it.
  cacheDir: process.env.LVS_HARNESS_VITE_CACHE ?? 'node_modules/.vite',
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['harness/**/*.test.ts', 'scripts/**/*.test.mjs'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          // The command as a user runs it, on the host, as root: it boots User-Mode Linux
          // itself where needed, so it cannot run inside it.
          name: 'host',
          include: ['suites/host/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          // `npm run test:matrix`: checks in several guest kernels (QEMU), run from the host.
          name: 'matrix',
          include: ['suites/matrix/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 1_200_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'kernel',
          include: ['suites/**/*.test.ts'],
          exclude: ['suites/host/**', 'suites/matrix/**'],
          environment: 'node',
          // A passing test's deliberately failed checks leave no kept captures behind.
          setupFiles: ['suites/support/discard-passing-evidence.ts'],
          // Clusters are built in one kernel with one CPU (inside UML): run files one by one.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
