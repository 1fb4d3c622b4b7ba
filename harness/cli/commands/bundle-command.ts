// `lvs-harness bundle OUT.tar.gz`: everything about a live cluster in one archive.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeBundle } from '../../bundle/write-bundle.js';
import { BUILD_JOURNAL_FILE } from '../../cluster/cluster.js';
import type { JournalEntry } from '../../process/command-journal.js';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { parseOptions } from '../shared/parse-options.js';
import { say } from '../shared/say.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';

export const bundleCommand: Subcommand = {
  name: 'bundle',
  summary: 'write one archive of a live cluster: topology, commands, state, logs, versions',
  help: `Usage: lvs-harness bundle [--run ID] OUT.tar.gz

Writes the topology, the commands that built the cluster as a script that rebuilds it by hand
(commands.sh, with teardown.sh), every host's addresses, links, routes and sysctls, the
director's IPVS table with counters, the servers' logs, the kernel's messages and the tools'
versions. lvs-harness check FILE --bundle OUT adds the captures and the check report.

${runOptionHelp}`,
  async run(args) {
    const { values, positionals } = parseOptions('bundle', args, runOption);
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1) throw new UsageError('bundle: give the archive to write (lvs-harness bundle OUT.tar.gz)');
    const { record, plan, runner } = await liveRunFrom(values);
    const journal = record.runDir ? join(record.runDir, BUILD_JOURNAL_FILE) : undefined;
    const buildCommands = journal ? (JSON.parse(await readFile(journal, 'utf8').catch(() => '[]')) as JournalEntry[]) : [];
    const written = await writeBundle(resolve(positionals[0]!), { plan, runner, buildCommands, runDir: record.runDir });
    say(`bundle written: ${written}`);
    return 0;
  },
};
