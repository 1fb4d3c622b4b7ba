// Decoders throw this for truncated or malformed bytes; the frame decoder
// catches it so one bad packet becomes an `error` field, not a failed file.

/** A decoding problem located by layer name and byte offset within the frame. */
export class LayerError extends Error {
  constructor(
    readonly layer: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${layer} at offset ${offset}: ${problem}`);
    this.name = 'LayerError';
  }
}

/** Throws unless `needed` bytes from `offset` were captured; every decoder checks before reading. */
export function requireBytes(bytes: Uint8Array, offset: number, needed: number, layer: string, what = 'header'): void {
  const available = bytes.length - offset;
  if (available < needed) {
    throw new LayerError(layer, offset, `${what} needs ${needed} bytes, ${Math.max(available, 0)} captured`);
  }
}
