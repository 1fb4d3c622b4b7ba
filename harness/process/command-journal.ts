// Every command the harness ran, in order: the count is a benchmark figure, and the list is
// what a bug report needs to rebuild the same cluster by hand.
import { quoteCommand } from './command-error.js';

export interface JournalEntry {
  argv: readonly string[];
  /** Standard input, when the command read a script from it (ip -batch, ipvsadm-restore). */
  input?: string;
  /** True for a long-lived process (a server) rather than a command that ran to completion. */
  background: boolean;
  startedAt: number;
  durationMs?: number;
  exitCode?: number;
}

export class CommandJournal {
  readonly entries: JournalEntry[] = [];

  record(entry: JournalEntry): JournalEntry {
    this.entries.push(entry);
    return entry;
  }

  /** How many processes the harness started. */
  get processStarts(): number {
    return this.entries.length;
  }

  /** The journal as a shell script; stdin scripts become here-documents. */
  toShellScript(): string {
    const lines = ['#!/bin/sh', 'set -e'];
    for (const entry of this.entries) {
      const command = quoteCommand(entry.argv) + (entry.background ? ' &' : '');
      if (entry.input === undefined) {
        lines.push(command);
      } else {
        const marker = uniqueMarker(entry.input);
        lines.push(`${command} <<'${marker}'`, entry.input.replace(/\n$/, ''), marker);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

function uniqueMarker(text: string): string {
  let marker = 'EOF';
  while (text.split('\n').includes(marker)) marker += '_';
  return marker;
}
