// Types for client-ports.mjs, which the agent runs as plain JavaScript.
export declare const FIRST_PORT: number;
export declare const BLOCK_SIZE: number;
export declare const BLOCKS: number;
export declare class ClientPorts {
  constructor(claimsFile: string | undefined);
  next(): number;
}
