import { describe, expect, it } from 'vitest';
import { decodeCaptureFile } from './capture-file.js';
import { formatPacket } from './format-packet.js';
import { LinkType } from './link-layers.js';
import { buildSll2Frame, buildTcpIpv4 } from './test-support/build-frames.js';
import { encodePcap } from './test-support/encode-capture.js';
import { SAMPLE, sampleEthernetFrames, sampleSyn } from './test-support/sample-frames.js';

const lines = decodeCaptureFile(encodePcap(sampleEthernetFrames().map((data) => ({ data })))).map(formatPacket);

describe('formatPacket', () => {
  it('writes IP-in-IP as outer addresses then the inner packet', () => {
    expect(lines[1]).toBe(
      '02:00:00:00:00:64 > 02:00:00:00:00:78, 192.168.73.110 > 192.168.73.120: IPIP 192.168.73.50.41234 > 192.168.73.100.80: Flags [S], seq 123, win 64240, length 0',
    );
  });

  it('writes data segments with their sequence range and ack', () => {
    expect(lines[2]).toBe(
      '02:00:00:00:00:78 > 02:00:00:00:00:32, 192.168.73.100.80 > 192.168.73.50.41234: Flags [P.], seq 4000000000:4000000024, ack 124, win 64240, length 24',
    );
  });

  it('writes VLAN tags, ARP and UDP', () => {
    expect(lines[3]).toContain(', vlan 10, 192.168.73.100.80 > ');
    expect(lines[4]).toBe('02:00:00:00:00:32 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 192.168.73.100 tell 192.168.73.50');
    expect(lines[5]).toBe('02:00:00:00:00:64 > 02:00:00:00:00:32, ARP, Reply 192.168.73.100 is-at 02:00:00:00:00:64');
    expect(lines[6]).toBe('02:00:00:00:00:32 > 02:00:00:00:00:64, 192.168.73.50.5353 > 192.168.73.100.9999: UDP, length 12');
  });

  it('writes raw IP without a link part and cooked captures with their direction', () => {
    const [raw] = decodeCaptureFile(encodePcap([{ data: sampleSyn() }], { linkType: LinkType.RAW }));
    expect(raw && formatPacket(raw)).toBe('192.168.73.50.41234 > 192.168.73.100.80: Flags [S], seq 123, win 64240, length 0');
    const [cooked] = decodeCaptureFile(encodePcap([{ data: buildSll2Frame(4, 2, SAMPLE.realServerMac, 0x0800, sampleSyn()) }], { linkType: LinkType.LINUX_SLL2 }));
    expect(cooked && formatPacket(cooked)).toMatch(/^ifindex 2 Out 02:00:00:00:00:78, 192\.168\.73\.50\.41234 > /);
  });

  it('appends the decoding error', () => {
    const cut = buildTcpIpv4(SAMPLE.client, SAMPLE.vip, { sourcePort: 1, destinationPort: 2 }).subarray(0, 30);
    const [packet] = decodeCaptureFile(encodePcap([{ data: cut }], { linkType: LinkType.RAW }));
    expect(packet && formatPacket(packet)).toBe(
      '192.168.73.50 > 192.168.73.100: TCP, length 20 [error: tcp at offset 20: header needs 20 bytes, 10 captured]',
    );
  });
});
