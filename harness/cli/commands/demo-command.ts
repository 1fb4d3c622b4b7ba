// `lvs-harness demo`: the walkthrough, automated. Build the seed's cluster, show the IPVS
// table, curl the VIP from the client and show who answered, tear it down.
import { clientAddresses, topologyShares } from '../../topology/topology.js';
import { hostPort } from '../../topology/ipv6.js';
import { resolve } from 'node:path';
import { buildCluster } from '../../cluster/build-cluster.js';
import { describeBody, identifyAnswers, judgeRoundRobin } from '../../verdicts/round-robin.js';
import { assertVerdict } from '../../verdicts/verdict.js';
import { packagePath } from '../../package-root.js';
import { toolsNeeded } from '../../plan/tools-needed.js';
import { loadTopologyFile } from '../../topology/load-topology.js';
import type { Subcommand } from '../shared/command.js';
import { inChosenKernel } from '../shared/in-chosen-kernel.js';
import { parseOptions, wholeNumber } from '../shared/parse-options.js';
import { say } from '../shared/say.js';
import { guestOptions, guestOptionsHelp, guestSettings } from '../shared/guest-options.js';

export const demoCommand: Subcommand = {
  name: 'demo',
  summary: "build the seed's LVS-TUN cluster, show round-robin answers, tear it down",
  help: `Usage: lvs-harness demo [FILE] [--count N]

Builds the cluster FILE describes (default: fixtures/topologies/seed-tun.yaml, the
walkthrough's cluster), prints the director's IPVS table, makes N requests (default 4) from
the client to the VIP, each on a new TCP connection, prints who answered, and tears the
cluster down. Exits 1 if the answers do not take turns over the real servers.

  --count N       how many requests (default 4)
${guestOptionsHelp}`,
  async run(args) {
    const { values, positionals } = parseOptions('demo', args, { ...guestOptions, count: { type: 'string' } }, true);
    if (values.help) return console.log(this.help), 0;
    const file = resolve(positionals[0] ?? packagePath('fixtures', 'topologies', 'seed-tun.yaml'));
    const count = wholeNumber('demo', 'count', values.count, 4);
    const topology = await loadTopologyFile(file);
    return inChosenKernel(['demo', file, '--count', String(count)], async () => {
      const started = Date.now();
      say(`building ${topology.name} from ${file}`);
      const cluster = await buildCluster(topology, { onProgress: (line) => say(`  ${line}`) });
      say(`built run ${cluster.runId} in ${Date.now() - started} ms with ${cluster.runner.journal.processStarts} process starts`);
      try {
        console.log(`\n# ipvsadm -Ln   (on ${cluster.director.name}, namespace ${cluster.namespaceOf(cluster.director.name)})`);
        console.log((await cluster.ipvsTable()).trimEnd());
        const source = clientAddresses(topology)[0]!;
        const each = topology.service.protocol === 'udp' ? 'a datagram from a new client port each time' : 'a new TCP connection each time';
        console.log(`\n# ${topology.service.protocol === 'udp' ? 'a UDP request to' : 'curl'} ${cluster.vipUrl}   (from ${cluster.client.name}, ${source}; ${each})`);
        const outcomes = await cluster.request({ count });
        identifyAnswers(topology, outcomes).forEach((answer, index) => {
          const { outcome } = answer;
          const connection = hostPort(source, outcome.localPort ?? '?');
          console.log(`${String(index + 1).padStart(3)}  ${connection.padEnd(22)} ${outcome.ok ? describeBody(outcome.body) : `FAILED: ${outcome.error}`}`);
        });
        const verdict = judgeRoundRobin(topology, outcomes);
        console.log(`\n${verdict.property}: ${verdict.ok ? 'ok' : 'FAILED'}: ${verdict.message}`);
        assertVerdict(verdict);
        return 0;
      } finally {
        const stopping = Date.now();
        await cluster.stop();
        say(`tore down run ${cluster.runId} in ${Date.now() - stopping} ms`);
      }
    }, { ...guestSettings('demo', values), extraMounts: topologyShares(file, topology) }, toolsNeeded(topology));
  },
};
