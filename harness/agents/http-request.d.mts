// Types for http-request.mjs (a plain ES module, because the client agent runs it without a build).
export interface RequestOnceOptions {
  url: string;
  timeoutMs?: number;
  localAddress?: string;
  localPort?: number;
  uploadBytes?: number;
}

export interface RequestOnceOutcome {
  ok: boolean;
  status?: number;
  body?: string;
  servedBy?: string;
  error?: string;
  localPort?: number;
  localAddress?: string;
  ms: number;
}

export function requestOnce(options: RequestOnceOptions): Promise<RequestOnceOutcome>;
