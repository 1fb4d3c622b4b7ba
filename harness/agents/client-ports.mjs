// The client's source ports. The agent picks each connection's port itself, because the
// kernel's choice repeats within a run: measured inside User-Mode Linux, 2,400 connections from
// one client to the VIP used only 2,306 distinct ports (the choice jumps, then walks back over
// ports used a minute before). A director in tunnel mode keeps each connection's entry for two
// minutes after the client's FIN (it sees only the client's half), and with the default
// conn_reuse_mode a new SYN from a remembered port goes to the remembered real server: past
// round-robin, and into a silent drop when that server was taken out. So every connection of a
// run gets a port no other connection of that run has had, across agents (the cluster's own and
// each `lvs-harness request`): blocks of ports are claimed by appending a line to a file in the
// run folder, and a line's position in the file is its block.
import { appendFileSync, readFileSync } from 'node:fs';

/** Below the kernel's ephemeral range (32768-60999), so a kernel-chosen port (a curl run by hand) never takes one. */
export const FIRST_PORT = 10_000;
export const BLOCK_SIZE = 1_000;
export const BLOCKS = 20;

export class ClientPorts {
  #claims;
  #block = -1;
  #used = BLOCK_SIZE;
  #claimed = 0;

  /** @param {string | undefined} claimsFile the run's claims file; none: blocks counted in this process only */
  constructor(claimsFile) {
    this.#claims = claimsFile;
  }

  /** The next port no connection of this run has used (until 20,000 have been made). */
  next() {
    if (this.#used === BLOCK_SIZE) {
      this.#block = this.#claimBlock() % BLOCKS;
      this.#used = 0;
    }
    return FIRST_PORT + this.#block * BLOCK_SIZE + this.#used++;
  }

  #claimBlock() {
    if (!this.#claims) return this.#claimed++;
    // O_APPEND writes of one short line do not interleave, so two agents never get one block.
    const token = `${process.pid} ${process.hrtime.bigint()} ${this.#claimed++}`;
    appendFileSync(this.#claims, `${token}\n`);
    const index = readFileSync(this.#claims, 'utf8').split('\n').indexOf(token);
    if (index < 0) throw new Error(`client ports: the claim ${token} is missing from ${this.#claims}`);
    return index;
  }
}
