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
  /** An upload's size (a POST's body, a padded datagram), when the request sent one. */
  sentBytes?: number;
  /** What the real server says it received of the upload (its x-received-bytes header). */
  receivedBytes?: number;
  /** A long-lived flow's id in the agent (flow requests only). */
  flow?: number;
  /** What became of a long-lived flow when it was asked again (flow requests only). */
  state?: FlowState;
}

/**
 * A long-lived flow asked again after a change: it answered (`survived`), was reset (a TCP RST,
 * or for UDP an ICMP port unreachable), got no answer in time (`stalled`), or was closed by the
 * server.
 */
export type FlowState = 'survived' | 'reset' | 'stalled' | 'closed';
