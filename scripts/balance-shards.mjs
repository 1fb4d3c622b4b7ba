// Spreads the kernel suites over guests by how long each file takes, not by how many files
// there are (vitest --shard splits by count: here two shards of one suite took 764 s and
// 1149 s side by side). The durations are measured ones (kernel-file-seconds.json, from a
// run's per-file lines); a file not listed yet counts as the median. Longest first, each to the
// shard with the least so far. Pure but for reading the folder.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The kernel project's files: suites/**\/*.test.ts but suites/host and suites/matrix, as the vitest config says. */
export function kernelSuiteFiles(root) {
  const found = [];
  const walk = (folder) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (path !== join('suites', 'host') && path !== join('suites', 'matrix')) walk(path);
      } else if (entry.name.endsWith('.test.ts')) found.push(relative('.', path));
    }
  };
  walk('suites');
  return found.sort();
}

/** `shards` lists of files whose summed seconds are as even as greedy assignment makes them. */
export function balanceShards(files, seconds, shards) {
  const known = files.map((file) => seconds[file]).filter((value) => typeof value === 'number').sort((a, b) => a - b);
  const median = known.length > 0 ? known[Math.floor(known.length / 2)] : 1;
  const weight = (file) => (typeof seconds[file] === 'number' ? seconds[file] : median);
  const bins = Array.from({ length: shards }, () => ({ files: [], total: 0 }));
  for (const file of [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const lightest = bins.reduce((best, bin) => (bin.total < best.total ? bin : best));
    lightest.files.push(file);
    lightest.total += weight(file);
  }
  return bins.map((bin) => ({ files: bin.files.sort(), seconds: Math.round(bin.total) }));
}
