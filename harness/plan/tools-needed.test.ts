// A run is refused for a missing tool only if it would call it: keepalived only when it loads
// the rules, tcpdump only when an assertion captures.
import { describe, expect, it } from 'vitest';
import { ASSERTION_NAMES } from '../topology/topology.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import { BUILD_TOOLS, toolsNeeded } from './tools-needed.js';

describe('toolsNeeded', () => {
  it('a build with ipvsadm rules needs iproute2, ipvsadm and sysctl only', () => {
    expect(toolsNeeded(testTopology())).toEqual(BUILD_TOOLS);
    expect(toolsNeeded(testTopology(), ['round-robin', 'doctor'])).toEqual(BUILD_TOOLS);
  });

  it('a topology whose rules come from keepalived needs keepalived', () => {
    expect(toolsNeeded(testTopology(undefined, { rulesFrom: 'keepalived' }))).toEqual([...BUILD_TOOLS, 'keepalived']);
  });

  it('the TUN contract captures, so it needs tcpdump', () => {
    expect(toolsNeeded(testTopology(), ['round-robin', 'tun-contract'])).toEqual([...BUILD_TOOLS, 'tcpdump']);
    expect(toolsNeeded(testTopology(undefined, { rulesFrom: 'keepalived' }), ASSERTION_NAMES)).toEqual([...BUILD_TOOLS, 'keepalived', 'tcpdump']);
  });
});
