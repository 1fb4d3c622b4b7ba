// tcpdump's exit summary tells whether its file holds every packet the interface saw.
import { describe, expect, it } from 'vitest';
import { droppedByKernel, RING_KIB, ringKibFor, SNAPSHOT_BYTES } from './tcpdump-capture.js';

describe('droppedByKernel', () => {
  it("reads the count from tcpdump's summary, one packet or many", () => {
    const summary = (dropped: string) => `1 packet captured\n309 packets received by filter\n${dropped} dropped by kernel\n`;
    expect(droppedByKernel(summary('277 packets'))).toBe(277);
    expect(droppedByKernel(summary('1 packet'))).toBe(1);
    expect(droppedByKernel(summary('0 packets'))).toBe(0);
  });

  it('is undefined when tcpdump printed no summary (killed, or not yet stopped)', () => {
    expect(droppedByKernel('02:4c:c0:a8:49:32 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), length 69')).toBeUndefined();
  });
});

describe('ringKibFor', () => {
  it("holds every packet of the batch, at 16 packets a connection and two more per 1400 bytes of body, in slots of the snapshot length", () => {
    expect(ringKibFor(8)).toBe(1024);
    expect(ringKibFor(60) * 1024).toBeGreaterThanOrEqual(60 * 16 * SNAPSHOT_BYTES);
    expect(ringKibFor(60, 14_000) * 1024).toBeGreaterThanOrEqual(60 * 36 * SNAPSHOT_BYTES);
    expect(ringKibFor(60, 14_000)).toBeGreaterThan(ringKibFor(60));
    expect(ringKibFor(100_000)).toBe(4 * RING_KIB);
  });
});
