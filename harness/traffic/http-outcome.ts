// What one request through the cluster came to, as the client agent reports it: the type the
// checks, the failover measurements and the commands share, apart from the agent that makes it.

export interface HttpOutcome {
  ok: boolean;
  status?: number;
  body?: string;
  /** The server's own name, from its x-served-by header. */
  servedBy?: string;
  /** The client's TCP source port: with the client's address, it names the connection. */
  localPort?: number;
  /** The client's source address, when the request named one (a client with several). */
  localAddress?: string;
  error?: string;
  ms: number;
}
