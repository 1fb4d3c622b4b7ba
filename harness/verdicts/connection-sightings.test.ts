import { describe, expect, it } from 'vitest';
import { decodeCaptureFile } from '../packets/capture-file.js';
import { LinkType } from '../packets/link-layers.js';
import { buildIpipPacket, buildSllFrame, buildTcpIpv4, ipv4Frame } from '../packets/test-support/build-frames.js';
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
