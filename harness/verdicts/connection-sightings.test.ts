import { describe, expect, it } from 'vitest';
import { decodeCaptureFile } from '../packets/capture-file.js';
import { LinkType } from '../packets/link-layers.js';
import { buildIp6ip6Packet, buildIpipPacket, buildSixInFourPacket, buildSllFrame, buildTcpIpv4, buildTcpIpv6, ipv4Frame, ipv6Frame } from '../packets/test-support/build-frames.js';
import { judgeTunContract } from './judge-tun-contract.js';
import { encodePcap } from '../packets/test-support/encode-capture.js';
import { buildClusterDirectory } from './cluster-directory.js';
import { collectSightings, hasClientSyn } from './connection-sightings.js';
import { CLUSTER } from './test-support/simulate-tun-cluster.js';
import type { CapturePoint, TunContractInput } from './tun-contract-types.js';

const { vip, client, director, web1 } = CLUSTER;
const request = buildTcpIpv4(client.address, vip, { sourcePort: 40000, destinationPort: 80, flags: 'S' });
const reply = buildTcpIpv4(vip, client.address, { sourcePort: 80, destinationPort: 40000, flags: 'S.' });

function capture(host: string, role: CapturePoint['role'], frames: Uint8Array[], linkType: number = LinkType.ETHERNET): CapturePoint {
  return { host, role, iface: 'eth0', packets: decodeCaptureFile(encodePcap(frames.map((data) => ({ data })), { linkType })) };
}

function sightingsOf(...captures: CapturePoint[]) {
  const input: TunContractInput = { vip, port: 80, client, directors: [director], realServers: [web1], captures };
  return collectSightings(captures, buildClusterDirectory(input));
}

describe('collectSightings', () => {
  it('classifies requests, replies and tunnelled packets of a connection', () => {
    const sightings = sightingsOf(
      capture('lvs', 'director', [
        ipv4Frame(client.mac, director.mac, request),
        ipv4Frame(director.mac, web1.mac, buildIpipPacket(director.address, web1.address, request)),
        ipv4Frame(web1.mac, client.mac, reply),
      ]),
    );
    expect(sightings.map((sighting) => [sighting.connection, sighting.direction, sighting.tunnel?.destination, sighting.sentByCaptureHost])).toEqual([
      ['192.168.73.50:40000', 'request', undefined, false],
      ['192.168.73.50:40000', 'request', web1.address, true],
      ['192.168.73.50:40000', 'reply', undefined, false],
    ]);
    expect(hasClientSyn(sightings)).toBe(true);
  });

  it('counts replies from a real server address (NAT) and ignores other traffic', () => {
    const natReply = buildTcpIpv4(web1.address, client.address, { sourcePort: 80, destinationPort: 40000, flags: 'S.' });
    const otherPort = buildTcpIpv4(client.address, vip, { sourcePort: 40001, destinationPort: 22, flags: 'S' });
    const otherHost = buildTcpIpv4('192.168.73.99', vip, { sourcePort: 40002, destinationPort: 80, flags: 'S' });
    const sightings = sightingsOf(capture('client', 'client', [natReply, otherPort, otherHost].map((ip) => ipv4Frame(web1.mac, client.mac, ip))));
    expect(sightings.map((sighting) => [sighting.direction, sighting.ip.source])).toEqual([['reply', web1.address]]);
    expect(hasClientSyn(sightings)).toBe(false);
  });

  it('tells sent from received by packet type in Linux cooked captures', () => {
    const sightings = sightingsOf(
      capture('lvs', 'director', [buildSllFrame(0, client.mac, 0x0800, request), buildSllFrame(4, director.mac, 0x0800, reply)], LinkType.LINUX_SLL),
    );
    expect(sightings.map((sighting) => [sighting.direction, sighting.sentByCaptureHost, sighting.linkSource])).toEqual([
      ['request', false, client.mac],
      ['reply', true, director.mac],
    ]);
  });

  it('leaves the sender unknown in raw IP captures such as tunl0', () => {
    const [sighting] = sightingsOf({ ...capture('web1', 'real-server', [request], LinkType.RAW), iface: 'tunl0' });
    expect(sighting?.captureLabel).toBe('web1:tunl0');
    expect(sighting?.sentByCaptureHost).toBeUndefined();
    expect(sighting?.linkSource).toBeUndefined();
  });
});

describe('an IPv6 VIP, judged from IPv6 packets', () => {
  const v6 = { vip: '2001:db8:73::120', client: '2001:db8:73::50', director: '2001:db8:73::100', web1: '2001:db8:73::110' };
  const syn = buildTcpIpv6(v6.client, v6.vip, { sourcePort: 40000, destinationPort: 80, flags: 'S' });
  const synAck = buildTcpIpv6(v6.vip, v6.client, { sourcePort: 80, destinationPort: 40000, flags: 'S.' });
  const identities = {
    client: { ...client, address6: v6.client },
    director: { ...director, address6: v6.director },
    web1: { ...web1, address6: v6.web1 },
  };
  const judge = (tunnelled: Uint8Array, replyFrom: string) => {
    const captures: CapturePoint[] = [
      capture('client', 'client', [ipv6Frame(client.mac, director.mac, syn), ipv6Frame(replyFrom, client.mac, synAck)]),
      capture('lvs', 'director', [ipv6Frame(client.mac, director.mac, syn), tunnelled]),
      capture('web1', 'real-server', [tunnelled, ipv6Frame(web1.mac, client.mac, synAck)]),
    ];
    return judgeTunContract({ vip: v6.vip, port: 80, client: identities.client, directors: [identities.director], realServers: [identities.web1], captures });
  };

  it('holds all five properties for IPv6-in-IPv6 and for IPv6 inside IPv4, naming the connection by the IPv6 client', () => {
    for (const tunnelled of [
      ipv6Frame(director.mac, web1.mac, buildIp6ip6Packet(v6.director, v6.web1, syn)),
      ipv4Frame(director.mac, web1.mac, buildSixInFourPacket(director.address, web1.address, syn)),
    ]) {
      const [verdict] = judge(tunnelled, web1.mac);
      expect(verdict?.connection).toBe('2001:db8:73::50:40000');
      expect(verdict?.realServer).toBe('web1');
      expect(verdict?.properties.filter((property) => !property.ok)).toEqual([]);
    }
  });

  it('fails direct return and the director staying out when the answer comes back through the director', () => {
    const [verdict] = judge(ipv6Frame(director.mac, web1.mac, buildIp6ip6Packet(v6.director, v6.web1, syn)), director.mac);
    expect(verdict?.properties.filter((property) => !property.ok).map((property) => property.id)).toContain(3);
  });

  it('fails property 2 when the tunnel leaves from an address that is not the director\'s', () => {
    const [verdict] = judge(ipv6Frame(director.mac, web1.mac, buildIp6ip6Packet(v6.vip, v6.web1, syn)), web1.mac);
    expect(verdict?.properties[1]).toMatchObject({ ok: false, detail: expect.stringContaining("outer source is 2001:db8:73::120, expected lvs's address 2001:db8:73::100") });
  });
});
