#!/usr/bin/env node
// Vector- and float-heavy work on several threads at once, printed as one JSON line: run on
// the host and inside a guest, the two lines must be equal. Inside User-Mode Linux every
// switch between these threads saves and restores their FPU/vector registers through ptrace,
// the path that fails on CPUs with a large XSAVE state unless the harness's fix is in place:
// a register state restored wrongly shows as a different number here, or as a crash.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';

const THREADS = Number(process.argv[2] ?? 4);
const ROUNDS = Number(process.argv[3] ?? 40);

function workout(seed, rounds) {
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const floats = new Float64Array(1 << 15);
  const bytes = Buffer.alloc(1 << 18);
  const hash = createHash('sha256');
  let sum = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < floats.length; i += 1) floats[i] = Math.sin(next() * 6.283185307179586) * Math.sqrt(i + round + 1);
    for (let i = 0; i < floats.length; i += 1) sum += floats[i] * Math.cos(floats[(i * 7) % floats.length]);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(Math.floor(next() * 2 ** 32), i);
    // Large copies run through the C library's vectorised memcpy.
    const copy = Buffer.allocUnsafe(bytes.length);
    bytes.copy(copy);
    copy.copyWithin(0, 1 << 16);
    hash.update(copy);
    hash.update(Buffer.from(new Float64Array([sum]).buffer));
  }
  return { seed, sum: sum.toPrecision(17), sha256: hash.digest('hex') };
}

if (isMainThread) {
  const runs = Array.from({ length: THREADS }, (_, index) => new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { seed: 1000 + index, rounds: ROUNDS } });
    worker.once('message', resolve);
    worker.once('error', reject);
  }));
  // The main thread works meanwhile too, so the threads keep preempting one another.
  const own = workout(999, ROUNDS);
  const results = [own, ...(await Promise.all(runs))].sort((a, b) => a.seed - b.seed);
  console.log(JSON.stringify({ threads: THREADS + 1, rounds: ROUNDS, results }));
} else {
  parentPort.postMessage(workout(workerData.seed, workerData.rounds));
}
