// The shape of a subcommand: its own help, and a run that returns the exit code.

export interface Subcommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full --help text. */
  help: string;
  run(args: string[]): Promise<number>;
}
