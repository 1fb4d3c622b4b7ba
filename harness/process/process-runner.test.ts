// How a command is put inside a namespace: the network namespace alone for the harness's own
// tools, `ip netns exec` (and its /sys) for the commands that are not the harness's.
import { describe, expect, it } from 'vitest';
import { inNamespace } from './process-runner.js';

describe('inNamespace', () => {
  it('leaves a command for the current namespace as it is', () => {
    expect(inNamespace(['ip', 'link'], undefined)).toEqual(['ip', 'link']);
    expect(inNamespace(['ip', 'link'], undefined, true)).toEqual(['ip', 'link']);
  });

  it("enters only the named network namespace, where iproute2 keeps it, for the harness's own tools", () => {
    expect(inNamespace(['sysctl', '-w', 'net.ipv4.ip_forward=1'], 'lvsh-1-lvs')).toEqual(['nsenter', '--net=/run/netns/lvsh-1-lvs', '--', 'sysctl', '-w', 'net.ipv4.ip_forward=1']);
  });

  it("gives another's command the namespace's own /sys too, through ip netns exec", () => {
    expect(inNamespace(['keepalived', '--dont-fork'], 'lvsh-1-lvs', true)).toEqual(['ip', 'netns', 'exec', 'lvsh-1-lvs', 'keepalived', '--dont-fork']);
  });
});
