import { describe, expect, it } from 'vitest';
import { judgeTunContract } from './judge-tun-contract.js';
import { formatTunContractFailures, summarizeTunContract } from './tun-contract-report.js';
import { CLUSTER, simulateTunCluster, type SimulatedConnection } from './test-support/simulate-tun-cluster.js';
import type { ConnectionVerdict, TunContractInput } from './tun-contract-types.js';

const FOUR_CONNECTIONS: SimulatedConnection[] = [
  { clientPort: 41234, realServer: 'web1' },
  { clientPort: 41236, realServer: 'web2' },
  { clientPort: 41238, realServer: 'web1' },
  { clientPort: 41240, realServer: 'web2' },
];

function okById(verdict: ConnectionVerdict | undefined): Record<number, boolean> {
  return Object.fromEntries((verdict?.properties ?? []).map((property) => [property.id, property.ok]));
}

function failedIds(verdicts: ConnectionVerdict[]): number[][] {
  return verdicts.map((verdict) => verdict.properties.filter((property) => !property.ok).map((property) => property.id));
}

describe('judgeTunContract on a correct tunnel-mode cluster', () => {
  const verdicts = judgeTunContract(simulateTunCluster({ connections: FOUR_CONNECTIONS, sharedSegment: true }));

  it('finds every connection and the real server it went to', () => {
    expect(verdicts.map((verdict) => [verdict.connection, verdict.realServer, verdict.synCaptured])).toEqual([
      ['192.168.73.50:41234', 'web1', true],
      ['192.168.73.50:41236', 'web2', true],
      ['192.168.73.50:41238', 'web1', true],
      ['192.168.73.50:41240', 'web2', true],
    ]);
  });

  it('passes all five properties, even with replies passing by the director on a shared segment', () => {
    expect(failedIds(verdicts)).toEqual([[], [], [], []]);
    expect(formatTunContractFailures(verdicts)).toBe('');
    expect(summarizeTunContract(verdicts)).toMatchObject({ ok: true, connections: 4, failedConnections: 0, text: '4 connections: all 5 TUN properties held' });
  });

  it('explains passes too, with a packet as evidence', () => {
    const [first] = verdicts;
    expect(first?.properties.map((property) => property.detail)).toEqual([
      'the client sent 5 packets to 192.168.73.100:80 via the director lvs (MAC 02:00:00:00:00:6e)',
      'the director encapsulated 5 packets from 192.168.73.110 to 192.168.73.120 (web1), inner packet unchanged',
      '3 replies from the VIP reached the client from web1 (MAC 02:00:00:00:00:78)',
      "no director sent a packet from the VIP to the client (3 replies from other hosts' MACs passed by on lvs:eth0)",
      '24 captured packets named web1 only (tunnel destination, received by, reply source MAC)',
    ]);
    expect(first?.properties[1]?.evidence[0]).toEqual({
      capture: 'lvs:eth0',
      file: 'lvs-eth0.pcap',
      packetIndex: 1,
      summary:
        '02:00:00:00:00:6e > 02:00:00:00:00:78, 192.168.73.110 > 192.168.73.120: IPIP 192.168.73.50.41234 > 192.168.73.100.80: Flags [S], seq 42234, win 64240, length 0',
    });
  });

  it('judges a connection whose handshake was not captured on what is there, and says so', () => {
    const [late] = judgeTunContract(simulateTunCluster({ connections: [{ clientPort: 50000, realServer: 'web2', captureStartsAfterHandshake: true }] }));
    expect(late?.synCaptured).toBe(false);
    expect(failedIds(late ? [late] : [])).toEqual([[]]);
    expect(late?.properties[0]?.detail).toContain('SYN not captured');
  });
});

describe('judgeTunContract on clusters that break the contract', () => {
  it('fails property 2 when the director forwards by direct routing', () => {
    const verdicts = judgeTunContract(simulateTunCluster({ connections: FOUR_CONNECTIONS.slice(0, 2), forwarding: 'direct-routing' }));
    expect(failedIds(verdicts)).toEqual([[2], [2]]);
    const message = formatTunContractFailures(verdicts);
    expect(message).toContain(
      "connection 192.168.73.50:41234 (real server web1): property 2 (IP-in-IP to a real server) failed: lvs forwarded the packet without IP-in-IP to web1's MAC 02:00:00:00:00:78 (direct routing) (5 of 5 forwarded packets)",
    );
    expect(message).toContain('    lvs:eth0 #1 (lvs-eth0.pcap): 02:00:00:00:00:6e > 02:00:00:00:00:78, 192.168.73.50.41234 > 192.168.73.100.80: Flags [S]');
  });

  it('fails properties 2 and 3 when the director does NAT', () => {
    const verdicts = judgeTunContract(simulateTunCluster({ connections: FOUR_CONNECTIONS.slice(0, 1), forwarding: 'nat' }));
    expect(failedIds(verdicts)).toEqual([[2, 3]]);
    const message = formatTunContractFailures(verdicts);
    expect(message).toContain(
      'property 2 (IP-in-IP to a real server) failed: lvs rewrote the destination to 192.168.73.120 (web1) instead of encapsulating (NAT)',
    );
    expect(message).toContain(
      "property 3 (direct return) failed: the client got no reply from the VIP 192.168.73.100:80 on client:eth0; replies came from 192.168.73.120 (web1's own address); web1 answered from its own address 192.168.73.120, not from the VIP 192.168.73.100",
    );
  });

  it('fails properties 3 and 4 when replies are routed back through the director', () => {
    const verdicts = judgeTunContract(simulateTunCluster({ connections: FOUR_CONNECTIONS.slice(0, 2), replies: 'via-director' }));
    expect(failedIds(verdicts)).toEqual([[3, 4], [3, 4]]);
    const message = formatTunContractFailures(verdicts, { captureFolder: '/tmp/lvs-run-1' });
    expect(message).toContain(
      'connection 192.168.73.50:41234 (real server web1): property 3 (direct return) failed: reply left the director lvs (MAC 02:00:00:00:00:6e), expected web1 (MAC 02:00:00:00:00:78) (3 of 3 replies); web1 sent its replies to the director lvs (MAC 02:00:00:00:00:6e) instead of straight to the client',
    );
    expect(message).toContain(
      'connection 192.168.73.50:41236 (real server web2): property 4 (director stays out of replies) failed: the director lvs (MAC 02:00:00:00:00:6e) sent 3 packets from the VIP 192.168.73.100:80 to the client',
    );
    expect(message).toContain('    client:eth0 #1 (client-eth0.pcap): 02:00:00:00:00:6e > 02:00:00:00:00:32, 192.168.73.100.80 > 192.168.73.50.41234: Flags [S.]');
    expect(message.split('\n').at(-1)).toBe('captures are in /tmp/lvs-run-1 (read them with: tcpdump -nn -e -r FILE; #N counts packets from 0)');
  });

  it('fails property 5 when a connection is split between two real servers', () => {
    const verdicts = judgeTunContract(
      simulateTunCluster({ connections: [{ clientPort: 41234, realServer: 'web1', laterRealServer: 'web2' }, { clientPort: 41236, realServer: 'web2' }] }),
    );
    expect(failedIds(verdicts)).toEqual([[5], []]);
    const message = formatTunContractFailures(verdicts);
    expect(message).toMatch(/^connection 192\.168\.73\.50:41234 \(real server web1\): property 5 \(one real server\) failed: the connection went to 2 real servers: web1 \(\d+ captured packets\), web2 \(\d+ captured packets\)$/m);
    expect(message).toContain('IPIP 192.168.73.50.41234 > 192.168.73.100.80: Flags [S]');
    expect(message).toContain('192.168.73.110 > 192.168.73.121: IPIP 192.168.73.50.41234 > 192.168.73.100.80: Flags [P.]');
    expect(summarizeTunContract(verdicts).text).toBe('2 connections, 1 failed: property 5 (one real server) failed for 1');
  });
});

describe('judgeTunContract on a UDP service', () => {
  const udpFlows = FOUR_CONNECTIONS.slice(0, 2);

  it('passes all five properties for each flow (a client port) of a correct cluster, its first datagram standing for the SYN', () => {
    const verdicts = judgeTunContract(simulateTunCluster({ connections: udpFlows, protocol: 'udp', sharedSegment: true }));
    expect(verdicts.map((verdict) => [verdict.connection, verdict.realServer, verdict.synCaptured])).toEqual([
      ['192.168.73.50:41234', 'web1', true],
      ['192.168.73.50:41236', 'web2', true],
    ]);
    expect(failedIds(verdicts)).toEqual([[], []]);
    expect(verdicts[0]?.properties[1]?.detail).toBe('the director encapsulated 2 packets from 192.168.73.110 to 192.168.73.120 (web1), inner packet unchanged');
    expect(verdicts[0]?.properties[1]?.evidence[0]?.summary).toContain('IPIP 192.168.73.50.41234 > 192.168.73.100.80: UDP, length 6');
  });

  it('fails properties 2 and 3 under NAT, 3 and 4 with answers through the director, and 5 for a flow split between servers', () => {
    expect(failedIds(judgeTunContract(simulateTunCluster({ connections: udpFlows.slice(0, 1), protocol: 'udp', forwarding: 'nat' })))).toEqual([[2, 3]]);
    const viaDirector = judgeTunContract(simulateTunCluster({ connections: udpFlows, protocol: 'udp', replies: 'via-director' }));
    expect(failedIds(viaDirector)).toEqual([[3, 4], [3, 4]]);
    expect(formatTunContractFailures(viaDirector)).toContain('property 4 (director stays out of replies) failed: the director lvs (MAC 02:00:00:00:00:6e) sent 2 packets from the VIP 192.168.73.100:80 to the client');
    const split = judgeTunContract(simulateTunCluster({ connections: [{ clientPort: 41234, realServer: 'web1', laterRealServer: 'web2' }], protocol: 'udp' }));
    expect(formatTunContractFailures(split)).toMatch(/property 5 \(one real server\) failed: the connection went to 2 real servers: web1 \(\d+ captured packets\), web2/);
  });

  it('judges only the service\'s transport: the TCP packets of a TCP service are not a UDP service\'s flows', () => {
    const tcpTraffic = simulateTunCluster({ connections: udpFlows });
    expect(judgeTunContract({ ...tcpTraffic, protocol: 'udp' })).toEqual([]);
    const udpTraffic = simulateTunCluster({ connections: udpFlows, protocol: 'udp' });
    expect(judgeTunContract({ ...udpTraffic, protocol: 'tcp' })).toEqual([]);
  });
});

describe('judgeTunContract with GUE and GRE tunnels', () => {
  const two = FOUR_CONNECTIONS.slice(0, 2);

  it('passes property 2 for the tunnel the topology asks for, and says which', () => {
    const gue = judgeTunContract(simulateTunCluster({ connections: two, tunnel: { type: 'gue', port: 6080 } }));
    expect(failedIds(gue)).toEqual([[], []]);
    expect(gue[0]?.properties[1]?.detail).toBe('the director encapsulated 5 packets in GUE (UDP port 6080) from 192.168.73.110 to 192.168.73.120 (web1), inner packet unchanged');
    expect(gue[0]?.properties[1]?.evidence[0]?.summary).toContain('192.168.73.110.40234 > 192.168.73.120.6080: GUE 192.168.73.50.41234 > 192.168.73.100.80: Flags [S]');
    const gre = judgeTunContract(simulateTunCluster({ connections: two, tunnel: { type: 'gre' } }));
    expect(failedIds(gre)).toEqual([[], []]);
    expect(gre[0]?.properties[1]?.detail).toContain('encapsulated 5 packets in GRE from');
    expect(gre[0]?.properties[1]?.evidence[0]?.summary).toContain('192.168.73.110 > 192.168.73.120: GREv0, length 40: 192.168.73.50.41234 > 192.168.73.100.80');
  });

  it('fails property 2 when the director uses another tunnel type or GUE port than the topology says', () => {
    const greForGue = simulateTunCluster({ connections: two, tunnel: { type: 'gre' } });
    const wrongType = judgeTunContract({ ...greForGue, tunnel: { type: 'gue', port: 6080 } });
    expect(failedIds(wrongType)).toEqual([[2], [2]]);
    expect(formatTunContractFailures(wrongType)).toContain('property 2 (IP-in-IP to a real server) failed: lvs encapsulated in GRE, the topology says GUE (UDP port 6080) (5 of 5 forwarded packets)');
    const ipipForGre = judgeTunContract({ ...simulateTunCluster({ connections: two }), tunnel: { type: 'gre' } });
    expect(formatTunContractFailures(ipipForGre)).toContain('lvs encapsulated in IP-in-IP, the topology says GRE');
    const otherPort = judgeTunContract({ ...simulateTunCluster({ connections: two, tunnel: { type: 'gue', port: 7000 } }), tunnel: { type: 'gue', port: 6080 } });
    expect(formatTunContractFailures(otherPort)).toContain('lvs encapsulated in GUE (UDP port 7000), the topology says GUE (UDP port 6080)');
    const greWhereIpip = judgeTunContract({ ...greForGue, tunnel: undefined });
    expect(formatTunContractFailures(greWhereIpip)).toContain('lvs encapsulated in GRE, the topology says IP-in-IP');
  });
});

describe('judgeTunContract on missing captures', () => {
  const input = simulateTunCluster({ connections: FOUR_CONNECTIONS.slice(0, 1) });
  const withCaptures = (keep: (host: string, iface: string) => boolean, emptied: (host: string) => boolean = () => false): TunContractInput => ({
    ...input,
    captures: input.captures
      .filter((capture) => keep(capture.host, capture.iface))
      .map((capture) => (emptied(capture.host) ? { ...capture, packets: [] } : capture)),
  });

  it("fails property 2 when the director's capture holds no packet of the connection", () => {
    const verdicts = judgeTunContract(withCaptures(() => true, (host) => host === 'lvs'));
    expect(okById(verdicts[0])).toMatchObject({ 1: true, 2: false, 3: true, 5: true });
    expect(formatTunContractFailures(verdicts)).toContain(
      'property 2 (IP-in-IP to a real server) failed: no packet of this connection was captured on lvs:eth0',
    );
  });

  it('fails the properties that need a capture which was not given', () => {
    const verdicts = judgeTunContract(withCaptures((host) => host !== 'lvs' && host !== 'web1'));
    const message = formatTunContractFailures(verdicts);
    expect(message).toContain("property 2 (IP-in-IP to a real server) failed: no capture of a director's uplink was given");
    expect(message).toContain("property 3 (direct return) failed: no capture of web1's uplink was given");
    expect(message).toContain("property 4 (director stays out of replies) failed: no capture of a director's uplink was given");
  });

  it('reports no connection at all as a failure, not a pass', () => {
    const verdicts = judgeTunContract({ ...input, captures: [] });
    expect(verdicts).toEqual([]);
    expect(summarizeTunContract(verdicts).ok).toBe(false);
    expect(formatTunContractFailures(verdicts)).toBe('no connection to the service was found in the captures: nothing could be judged');
  });

  it('names the client sending to a real server instead of the director', () => {
    const stolen = simulateTunCluster({ connections: FOUR_CONNECTIONS.slice(0, 1) });
    const client = stolen.captures.find((capture) => capture.host === 'client');
    for (const packet of client?.packets ?? []) {
      if (packet.ethernet?.destination === CLUSTER.director.mac) packet.ethernet.destination = CLUSTER.web2.mac;
    }
    expect(formatTunContractFailures(judgeTunContract(stolen))).toContain(
      "property 1 (client to director) failed: the client sent to web2 (MAC 02:00:00:00:00:79), expected a director's MAC (lvs 02:00:00:00:00:6e) (5 of 5 packets)",
    );
  });
});
