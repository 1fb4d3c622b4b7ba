// A guest's console as the host takes it in, whatever the backend: what the command prints is
// streamed to the user (between the job's marker lines), and the kernel's last lines and the
// telling ones are kept for the report of a guest that did not end well.
import { ConsoleFilter, InteractiveConsoleFilter } from './console-filter.js';
import { TellingLines } from './guest-console-diagnosis.js';

const CONSOLE_TAIL_LINES = 40;

export interface GuestConsoleOutput {
  /** Receives the command's standard output (and, interactive, everything); default: this process's stdout. */
  onConsole?: (text: string) => void;
}

export class GuestConsole {
  private readonly tail: string[] = [];
  /** Each console's unfinished last line: a chunk may end mid-line (QEMU's serial lines do), and the two consoles interleave. */
  private readonly partial = { console: '', errors: '' };
  private readonly tellingLines = new TellingLines();
  private readonly filter: ConsoleFilter | InteractiveConsoleFilter;
  private readonly writeError: (text: string) => void;

  constructor(output: GuestConsoleOutput, interactive: boolean) {
    const write = output.onConsole ?? ((text: string) => process.stdout.write(text));
    this.writeError = output.onConsole ?? ((text: string) => process.stderr.write(text));
    // An interactive session (a shell) needs its prompt as it comes, not line by line.
    this.filter = interactive ? new InteractiveConsoleFilter(write) : new ConsoleFilter(write);
  }

  /** The guest's main console: the command's output between the markers, kernel chatter around it. */
  acceptConsole(chunk: string): void {
    this.filter.accept(chunk);
    this.remember('console', chunk);
  }

  /** The guest's second console, the command's standard error: streamed once the command started. */
  acceptErrorConsole(chunk: string): void {
    if (this.filter.commandStarted) this.writeError(chunk.replace(/\r\n/g, '\n'));
    this.remember('errors', chunk);
  }

  /** A line of the harness's own about the guest, where the command's standard error goes. */
  note(text: string): void {
    this.writeError(text);
  }

  /** The last lines and the telling ones, for the report of the guest's end. */
  seen(): { consoleTail: string; telling: string[] } {
    const unfinished = [this.partial.console, this.partial.errors].filter(Boolean);
    return { consoleTail: [...this.tail, ...unfinished].slice(-CONSOLE_TAIL_LINES).join('\n'), telling: this.tellingLines.all() };
  }

  private remember(stream: 'console' | 'errors', chunk: string): void {
    this.tellingLines.accept(chunk);
    const lines = (this.partial[stream] + chunk).split(/\r?\n/);
    this.partial[stream] = lines.pop() ?? '';
    this.tail.push(...lines);
    if (this.tail.length > CONSOLE_TAIL_LINES * 2) this.tail.splice(0, this.tail.length - CONSOLE_TAIL_LINES);
  }
}
