// `lvs-harness request`: curl the VIP from the client of a live cluster and show who answered.
import { namespaceOf } from '../../plan/cluster-plan.js';
import { ClientAgent, clientPortClaims } from '../../cluster/client-agent.js';
import { describeBody, identifyAnswers } from '../../verdicts/round-robin.js';
import { clientAddresses, clientHost } from '../../topology/topology.js';
import type { Subcommand } from '../shared/command.js';
import { EXIT_ASSERTION_FAILED, EXIT_OK } from '../shared/exit-codes.js';
import { parseOptions, wholeNumber } from '../shared/parse-options.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';
import { hostPort } from '../../topology/ipv6.js';

export const requestCommand: Subcommand = {
  name: 'request',
  summary: 'make requests from the client to the VIP of a live cluster, showing who answered',
  help: `Usage: lvs-harness request [--run ID] [--count N] [--json]

Makes N requests (default 4) from the client's namespace to the VIP, each a GET on a new TCP
connection (for a UDP service, a datagram from a new client port), and prints the client port
and the answer of each. Exits 1 if any failed.

${runOptionHelp}
  --count N     how many requests (default 4)
  --json        print the outcomes as JSON`,
  async run(args) {
    const { values } = parseOptions('request', args, { ...runOption, count: { type: 'string' }, json: { type: 'boolean' } }, false);
    if (values.help) return console.log(this.help), 0;
    const count = wholeNumber('request', 'count', values.count, 4);
    const { plan, runner, record } = await liveRunFrom(values);
    const client = clientHost(plan.topology);
    const { vip, port, protocol } = plan.topology.service;
    const source = clientAddresses(plan.topology)[0]!;
    const agent = await ClientAgent.start(runner, namespaceOf(plan, client.name), { portClaims: record.runDir && clientPortClaims(record.runDir) });
    try {
      const outcomes = [];
      for (let index = 0; index < count; index += 1) outcomes.push(await agent.request(protocol, `http://${hostPort(vip, port)}/`, { timeoutMs: 3_000 }));
      const answers = identifyAnswers(plan.topology, outcomes);
      if (values.json) console.log(JSON.stringify(answers, null, 2));
      else
        answers.forEach(({ server, outcome }, index) => {
          const what = outcome.ok ? `${describeBody(outcome.body)}${server ? '' : ' (not a listed real server)'}` : `FAILED: ${outcome.error}`;
          console.log(`${String(index + 1).padStart(3)}  ${hostPort(source, outcome.localPort ?? '?').padEnd(22)} ${what}`);
        });
      return outcomes.every((outcome) => outcome.ok) ? EXIT_OK : EXIT_ASSERTION_FAILED;
    } finally {
      await agent.stop();
    }
  },
};
