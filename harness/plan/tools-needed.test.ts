// A run is refused for a missing tool only if it would call it: keepalived only when it loads
// the rules, tcpdump only when an assertion captures.
import { describe, expect, it } from 'vitest';
import { ASSERTION_NAMES } from '../topology/topology.js';
import { fileURLToPath } from 'node:url';
import { loadTopologyFile } from '../topology/load-topology.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import { seedWithConfigurators } from '../topology/test-support/seed-with-host-settings.js';
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

  describe('with configurators', () => {
    const seedWith = seedWithConfigurators;

    it('needs a configurator named by its program alone, as on the PATH', () => {
      expect(toolsNeeded(seedWith({ lvs: '{ run: [keepalived, --dont-fork], daemon: true }' }))).toEqual([...BUILD_TOOLS, 'keepalived']);
      expect(toolsNeeded(seedWith({ lvs: '{ run: [my-controller, --once] }', web1: '{ run: [my-agent] }' }))).toEqual([...BUILD_TOOLS, 'my-controller', 'my-agent']);
      expect(toolsNeeded(seedWith({ web1: '{ run: [my-controller] }' }), ['tun-contract'])).toEqual([...BUILD_TOOLS, 'tcpdump', 'my-controller']);
    });

    it('lists a tool once, however many hosts or rules need it', () => {
      expect(toolsNeeded(seedWith({ lvs: '{ run: [keepalived], sets: [vip] }' }, 'rulesFrom: keepalived'))).toEqual([...BUILD_TOOLS, 'keepalived']);
      expect(toolsNeeded(seedWith({ lvs: '{ run: [ipvsadm, --restore] }' }))).toEqual(BUILD_TOOLS);
    });

    it('does not need a configurator named by path: the topology checked it was there', async () => {
      const fixture = (name: string) => loadTopologyFile(fileURLToPath(new URL(`../../fixtures/configurators/${name}`, import.meta.url)));
      expect(toolsNeeded(await fixture('script-director.yaml'))).toEqual(BUILD_TOOLS);
      expect(toolsNeeded(await fixture('script-real-servers.yaml'))).toEqual(BUILD_TOOLS);
      expect(toolsNeeded(await fixture('own-keepalived.yaml'))).toEqual(BUILD_TOOLS);
      expect(toolsNeeded(seedWith({ lvs: '{ run: [/bin/sh, -c, "ipvsadm -C"] }' }))).toEqual(BUILD_TOOLS);
    });
  });
});
