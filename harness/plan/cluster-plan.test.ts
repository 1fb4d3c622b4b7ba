import { describe, expect, it } from 'vitest';
import { testTopology } from '../topology/test-support/test-topology.js';
import { allNamespaces, NAMESPACE_PREFIX, namespaceOf, newRunId, planCluster, switchPortName } from './cluster-plan.js';

const topology = testTopology(['web1', 'web2']);

describe('planCluster', () => {
  it('names one namespace per host, each carrying the prefix and the run id', () => {
    const plan = planCluster(topology, 'abcd1234');
    expect(plan.runId).toBe('abcd1234');
    expect(plan.topology).toBe(topology);
    expect([...plan.hostNamespaces.keys()]).toEqual(['client', 'lvs', 'web1', 'web2']);
    for (const [host, namespace] of plan.hostNamespaces) {
      expect(namespace.startsWith(`${NAMESPACE_PREFIX}abcd1234-`)).toBe(true);
      expect(namespace.endsWith(host)).toBe(true);
    }
    expect(plan.hostNamespaces.get('web1')).toBe('lvsh-abcd1234-web1');
  });

  it('puts the switch in its own namespace, with the prefix and run id, that no host name can produce', () => {
    const plan = planCluster(topology, 'abcd1234');
    expect(plan.switchNamespace.startsWith(`${NAMESPACE_PREFIX}abcd1234-`)).toBe(true);
    expect([...plan.hostNamespaces.values()]).not.toContain(plan.switchNamespace);
    // Host names are lower-case letters, digits and single dashes: the part after the run id
    // is never a valid host name, so no host can ever be given the switch's namespace.
    const suffix = plan.switchNamespace.slice(`${NAMESPACE_PREFIX}abcd1234-`.length);
    expect(suffix).not.toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it('keeps runs apart: two run ids give disjoint namespaces', () => {
    const first = allNamespaces(planCluster(topology, '00000001'));
    const second = allNamespaces(planCluster(topology, '00000002'));
    expect(first.filter((namespace) => second.includes(namespace))).toEqual([]);
  });

  it('gives every host the uplink eth0 and a bridge', () => {
    const plan = planCluster(topology, 'abcd1234');
    expect(plan.uplink).toBe('eth0');
    expect(plan.bridge).toBe('br0');
  });
});

describe('namespaceOf', () => {
  it("returns a host's namespace", () => {
    const plan = planCluster(topology, 'abcd1234');
    expect(namespaceOf(plan, 'lvs')).toBe(plan.hostNamespaces.get('lvs'));
  });

  it('names the run and the host when the plan has no such host', () => {
    const plan = planCluster(topology, 'abcd1234');
    expect(() => namespaceOf(plan, 'web9')).toThrow(/web9/);
    expect(() => namespaceOf(plan, 'web9')).toThrow(/abcd1234/);
  });
});

describe('allNamespaces', () => {
  it('lists the switch first, then the hosts in topology order', () => {
    const plan = planCluster(topology, 'abcd1234');
    expect(allNamespaces(plan)).toEqual([
      plan.switchNamespace,
      'lvsh-abcd1234-client',
      'lvsh-abcd1234-lvs',
      'lvsh-abcd1234-web1',
      'lvsh-abcd1234-web2',
    ]);
  });

  it('has no duplicates, and every one carries the prefix', () => {
    const namespaces = allNamespaces(planCluster(testTopology(['web1', 'web2', 'web3']), 'feedbeef'));
    expect(new Set(namespaces).size).toBe(namespaces.length);
    expect(namespaces.every((namespace) => namespace.startsWith(NAMESPACE_PREFIX))).toBe(true);
  });
});

describe('newRunId', () => {
  it('is 8 lower-case hex digits', () => {
    for (let i = 0; i < 20; i += 1) expect(newRunId()).toMatch(/^[0-9a-f]{8}$/);
  });

  it('differs between calls', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRunId()));
    expect(ids.size).toBe(50);
  });
});

describe('switchPortName', () => {
  it('is v-<host>, within the 15-character interface name limit for the longest host name', () => {
    expect(switchPortName('web1')).toBe('v-web1');
    const longest = 'abcdefghijkl'; // host names are at most 12 characters
    expect(switchPortName(longest).length).toBeLessThanOrEqual(15);
  });

  it('differs between hosts', () => {
    expect(switchPortName('web1')).not.toBe(switchPortName('web2'));
  });
});
