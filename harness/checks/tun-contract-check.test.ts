// A capture that lost packets is named as the reason a TUN contract cannot be judged.
import { describe, expect, it } from 'vitest';
import { describeDrops } from './tun-contract-check.js';

describe('describeDrops', () => {
  it('is empty when every tcpdump kept every packet', () => {
    expect(describeDrops([])).toBe('');
  });

  it('names each capture point that dropped packets, and says the verdicts may be wrong', () => {
    const text = describeDrops([
      { host: 'lvs', iface: 'eth0', packets: 12 },
      { host: 'web2', iface: 'tunl0', packets: 1 },
    ]);
    expect(text).toMatch(/^capture incomplete: /);
    expect(text).toContain('(12 at lvs:eth0, 1 at web2:tunl0)');
    expect(text).toContain('may blame the cluster for gaps in the capture');
  });
});
