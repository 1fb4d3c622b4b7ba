#!/usr/bin/env node
// Runs inside a fresh kernel after a bundle's commands.sh: proves the rebuilt cluster works by
// asking the VIP from the client's namespace until both real servers have answered in turn,
// then runs the bundle's teardown.sh. Prints one JSON line. Usage: replay-check.mjs BUNDLE_DIR
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ClientAgent } from '../../dist/harness/cluster/client-agent.js';
import { ProcessRunner } from '../../dist/harness/process/process-runner.js';
import { waitFor } from '../../dist/harness/process/wait-for.js';

const bundle = process.argv[2];
const topology = JSON.parse(await readFile(join(bundle, 'topology.json'), 'utf8'));
const runId = basename(bundle).replace('lvs-harness-', '');
const client = topology.hosts.find((host) => host.role === 'client');
const runner = new ProcessRunner();
const agent = await ClientAgent.start(runner, `lvsh-${runId}-${client.name}`);
try {
  const url = `http://${topology.service.vip}:${topology.service.port}/`;
  const answers = await waitFor(
    async () => {
      const bodies = [];
      for (let index = 0; index < 4; index += 1) {
        const outcome = await agent.get(url, 2_000);
        if (!outcome.ok) throw new Error(outcome.error);
        bodies.push(outcome.body.trim());
      }
      return bodies;
    },
    { timeoutMs: 60_000, awaiting: `the replayed cluster to answer at ${url}` },
  );
  console.log(JSON.stringify({ answers }));
} finally {
  await agent.stop();
  await runner.run(['sh', join(bundle, 'teardown.sh')]);
}
