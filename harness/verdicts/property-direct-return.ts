// Property 3: the real server answers from the VIP straight to the client.
// Judged at both ends: the reply must leave the real server's uplink with its
// own MAC, and the client must receive it from a real server's MAC, not
// from the director (replies routed back) and not from a real address (NAT).
import type { Sighting } from './connection-sightings.js';
import { capturesOfRole, captureNames, countOf, sightingsOfRole, verdict, type ConnectionContext } from './connection-context.js';
import type { HostIdentity, PropertyVerdict } from './tun-contract-types.js';
import { hostPort } from '../topology/ipv6.js';

interface Finding {
  problem: string;
  deciding: Sighting[];
}

/** Judges property 3 on the client's and the real servers' uplink captures. */
export function judgeDirectReturn(context: ConnectionContext, expectedRealServer: string | undefined): PropertyVerdict {
  const { directory } = context;
  if (capturesOfRole(context, 'client').length === 0) return verdict(3, false, "no capture of the client's uplink was given");
  const expected = directory.realServers.find((server) => server.name === expectedRealServer);
  const clientSide = judgeClientSide(context, expected);
  const serverSide = judgeRealServerSide(context, expected);
  const findings = [...clientSide.findings, ...serverSide.findings];
  if (findings.length > 0) {
    const detail = findings.map((finding) => finding.problem).join('; ');
    // A couple of packets per finding, so each problem shows its own evidence.
    return verdict(3, false, detail, findings.flatMap((finding) => finding.deciding.slice(0, 2)));
  }
  const sender = directory.realServerByMac(clientSide.fromVip[0]?.linkSource);
  const from = sender ? ` from ${sender.name} (MAC ${sender.mac})` : '';
  const detail = `${countOf(clientSide.fromVip.length, 'reply', 'replies')} from the VIP reached the client${from}`;
  return verdict(3, true, detail, [...clientSide.fromVip.slice(0, 1), ...serverSide.fromVip.slice(0, 1)]);
}

function judgeClientSide(context: ConnectionContext, expected: HostIdentity | undefined): { findings: Finding[]; fromVip: Sighting[] } {
  const { directory } = context;
  const service = hostPort(directory.vip, directory.port);
  const where = captureNames(capturesOfRole(context, 'client'));
  const received = sightingsOfRole(context, 'client').filter(
    (sighting) => sighting.direction === 'reply' && sighting.sentByCaptureHost !== true,
  );
  const fromVip = received.filter((sighting) => sighting.ip.source === directory.vip && !sighting.tunnel);
  const findings: Finding[] = [];

  const fromWrongMac = fromVip.filter((sighting) => sighting.linkSource !== undefined && !directory.realServerByMac(sighting.linkSource));
  const firstWrong = fromWrongMac[0];
  if (firstWrong) {
    const expectedText = expected ? `${expected.name} (MAC ${expected.mac})` : "a real server's MAC";
    const share = `${fromWrongMac.length} of ${countOf(fromVip.length, 'reply', 'replies')}`;
    const problem = `reply left ${directory.describeMac(firstWrong.linkSource)}, expected ${expectedText} (${share})`;
    findings.push({ problem, deciding: fromWrongMac });
  }

  if (fromVip.length === 0) {
    const fromElsewhere = received.filter((sighting) => sighting.ip.source !== directory.vip);
    const elsewhere = fromElsewhere[0];
    let problem = `the client got no reply from the VIP ${service} on ${where}`;
    if (elsewhere) {
      const owner = directory.realServerByAddress(elsewhere.ip.source);
      problem += `; replies came from ${elsewhere.ip.source}${owner ? ` (${owner.name}'s own address)` : ''}`;
    }
    findings.push({ problem, deciding: fromElsewhere });
  }
  return { findings, fromVip };
}

function judgeRealServerSide(context: ConnectionContext, expected: HostIdentity | undefined): { findings: Finding[]; fromVip: Sighting[] } {
  const { directory } = context;
  const captures = capturesOfRole(context, 'real-server').filter((capture) => !expected || capture.host === expected.name);
  if (captures.length === 0) {
    const whose = expected ? `${expected.name}'s uplink` : "a real server's uplink";
    return { findings: [{ problem: `no capture of ${whose} was given`, deciding: [] }], fromVip: [] };
  }
  const sent = context.sightings.filter(
    (sighting) => captures.includes(sighting.capture) && sighting.direction === 'reply' && sighting.sentByCaptureHost !== false,
  );
  const fromVip = sent.filter((sighting) => sighting.ip.source === directory.vip);
  const findings: Finding[] = [];
  const name = expected?.name ?? 'no real server';

  if (fromVip.length === 0) {
    const ownAddress = sent.filter((sighting) => sighting.ip.source !== directory.vip);
    const first = ownAddress[0];
    findings.push(
      first
        ? { problem: `${name} answered from its own address ${first.ip.source}, not from the VIP ${directory.vip}`, deciding: ownAddress }
        : { problem: `${name} sent no reply from the VIP on ${captureNames(captures)}`, deciding: [] },
    );
  }

  const toDirector = fromVip.filter((sighting) => directory.directorByMac(sighting.linkDestination));
  const firstToDirector = toDirector[0];
  if (firstToDirector) {
    const director = directory.describeMac(firstToDirector.linkDestination);
    findings.push({ problem: `${firstToDirector.capture.host} sent its replies to ${director} instead of straight to the client`, deciding: toDirector });
  }
  return { findings, fromVip };
}
