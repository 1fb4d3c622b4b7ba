// Passes on what the guest's command prints, and the init's own notes, but not the kernel's
// boot and power-off chatter: users asked for their command's output. The chatter still
// reaches the report of a kernel that failed, through the console tail.

const START = '@@lvs-harness-guest:command-start@@';
const END = '@@lvs-harness-guest:command-end@@';
const INIT_NOTE = 'lvs-harness guest:';

/** Where the console is: the kernel booting, the command running, or the kernel powering off. */
abstract class MarkedConsole {
  protected state: 'boot' | 'command' | 'after' = 'boot';
  /** What is held back until a marker, which may arrive split across chunks, can be seen whole. */
  protected pending = '';

  constructor(protected readonly write: (text: string) => void) {}

  /** True once the command has started: from then on its stderr (the second console) is passed on. */
  get commandStarted(): boolean {
    return this.state !== 'boot';
  }

  /** Takes a chunk of console output and writes through what belongs to the command. */
  abstract accept(chunk: string): void;
}

/** For a program's output: whole lines, and the init's notes too. */
export class ConsoleFilter extends MarkedConsole {
  accept(chunk: string): void {
    // Whole lines only: a marker may arrive split across chunks.
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.acceptLine(line);
  }

  private acceptLine(line: string): void {
    const text = line.replace(/\r$/, '');
    // A program may leave terminal codes without a newline just before a marker.
    const [before, after] = splitAtMarker(text);
    if (after === START) this.state = 'command';
    else if (after === END) {
      if (this.state === 'command' && before) this.write(`${before}\n`);
      this.state = 'after';
    } else if (this.state === 'command' || text.startsWith(INIT_NOTE)) this.write(`${text}\n`);
  }
}

function splitAtMarker(text: string): [string, string | undefined] {
  for (const marker of [START, END]) {
    const index = text.indexOf(marker);
    if (index !== -1) return [text.slice(0, index), marker];
  }
  return [text, undefined];
}

/**
 * The same for a person at the console (a shell): nothing before the command starts, then
 * everything as it comes, partial lines and prompts included, up to the end marker.
 */
export class InteractiveConsoleFilter extends MarkedConsole {
  accept(chunk: string): void {
    if (this.state === 'after') return;
    if (this.state === 'boot') {
      this.pending += chunk;
      const start = this.pending.indexOf(START);
      if (start === -1) {
        // Keep only what could be the start of a marker split across chunks.
        this.pending = this.pending.slice(-START.length);
        return;
      }
      chunk = this.pending.slice(start + START.length).replace(/^\r?\n/, '');
      this.pending = '';
      this.state = 'command';
    }
    const text = this.pending + chunk;
    const end = text.indexOf(END);
    if (end !== -1) {
      if (end > 0) this.write(text.slice(0, end));
      this.pending = '';
      this.state = 'after';
      return;
    }
    // Everything as it comes, but a tail that may be the end marker's first half waits for the next chunk.
    const held = markerStartAtEnd(text, END);
    this.pending = text.slice(text.length - held);
    if (held < text.length) this.write(text.slice(0, text.length - held));
  }
}

/** How many of the text's last characters are the marker's first ones (0 when none). */
function markerStartAtEnd(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}
