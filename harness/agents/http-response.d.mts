// Types for http-response.mjs, which the agent runs as plain JavaScript.
export interface ParsedResponse {
  /** Where the response ends in the buffer. */
  length: number;
  status: number;
  headers: Record<string, string>;
  servedBy: string | undefined;
  body: string;
}
export declare function parseResponse(buffer: Buffer, ended?: boolean): ParsedResponse | undefined;
