// A long-lived flow through the cluster, held by the client agent: a TCP connection kept alive
// (or, for a UDP service, one client port) that is asked again after a change, to show whether
// the change kept it (survived), cut it (reset), or left it hanging (stalled).
import type { ClientAgent } from './client-agent.js';
import type { FlowState, HttpOutcome } from '../traffic/http-outcome.js';

export class LongFlow {
  private open = true;

  constructor(
    private readonly agent: ClientAgent,
    /** The flow's first request, which chose its real server. */
    readonly first: HttpOutcome & { flow: number },
  ) {}

  /** The client's source port: with the client's address, it names the flow in captures and tables. */
  get localPort(): number | undefined {
    return this.first.localPort;
  }

  /** The real server the first request reached. */
  get servedBy(): string | undefined {
    return this.first.servedBy;
  }

  /** Asks again on the same connection; a flow that did not survive is closed. */
  async ask(timeoutMs = 5_000): Promise<HttpOutcome & { state: FlowState }> {
    if (!this.open) return { ok: false, state: 'closed', error: 'the flow is closed', ms: 0 };
    const outcome = await this.agent.askFlow(this.first.flow, timeoutMs);
    const state = outcome.state ?? 'closed';
    if (state !== 'survived') this.open = false;
    return { ...outcome, state };
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.agent.closeFlow(this.first.flow);
  }
}
