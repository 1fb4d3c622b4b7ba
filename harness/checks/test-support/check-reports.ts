// Check reports as runChecks makes them, for the tests of the report's machine forms (JSON, JUnit).
import type { Finding } from '../../doctor/diagnose.js';
import type { DistributionVerdict } from '../../verdicts/distribution.js';
import type { CheckReport } from '../run-checks.js';

/** The seed's cluster, every assertion held: what `check` reports on a healthy cluster. */
export function passingReport(): CheckReport {
  return {
    topology: 'seed-tun',
    source: '/work/fixtures/topologies/seed-tun.yaml',
    runId: '1e449e45',
    kernel: 'User-Mode Linux 6.1.176',
    passed: true,
    verdicts: [
      roundRobin({
        ok: true,
        message: '8 connections, answers took turns: web1 4, web2 4 (kernel order web2(w1), web1(w1) on lvs)',
        distribution: { scheduler: 'rr', persistent: false, expected: { web1: 4, web2: 4 }, seen: { web1: 4, web2: 4 }, failed: 0, keys: 1 },
      }),
      { property: 'TUN contract', ok: true, message: '8 connections: all 5 TUN properties held' },
      { property: 'doctor', ok: true, message: 'doctor: none of the known LVS-TUN pitfalls found' },
    ],
    findings: [],
    notes: [],
    connections: [
      {
        connection: '192.168.73.50:47726',
        realServer: 'web2',
        synCaptured: true,
        properties: [{ id: 1, name: 'client to director', ok: true, detail: 'to the VIP with the director\'s MAC', evidence: [] }],
      },
    ],
  };
}

/** A distribution verdict carries the tally (the one verdict with more than property, ok and message). */
function roundRobin(verdict: Omit<DistributionVerdict, 'property'>): DistributionVerdict {
  return { property: 'round-robin', ...verdict };
}

const rpFilter: Finding = {
  pitfall: 'rp-filter-on-tunl0',
  severity: 'pitfall',
  host: 'web2',
  problem: 'effective rp_filter on tunl0 is 1 (strict)',
  why: 'the decapsulated packet arrives on tunl0 from the client, whose route leaves through eth0',
  fix: 'sysctl -w net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.all.rp_filter=0',
};

const arpAnnounce: Finding = {
  pitfall: 'arp-announce',
  severity: 'note',
  host: 'web1',
  problem: 'arp_announce is 0',
  why: 'LVS-TUN works without it',
  fix: 'sysctl -w net.ipv4.conf.all.arp_announce=2',
};

/** A cluster whose web2 drops the tunnel's packets: round-robin and the TUN contract fail, the doctor names why. */
export function failingReport(): CheckReport {
  return {
    topology: 'rp-filter-strict',
    runId: '9f00ba11',
    kernel: 'host kernel 6.8.0-1017-azure',
    passed: false,
    verdicts: [
      roundRobin({
        ok: false,
        message: "answers do not take turns over web1, web2 (answers: web1 4, no answer 4)\n  1. web1\n  2. no answer: timed out after 2000 ms",
        distribution: { scheduler: 'rr', persistent: false, expected: { web1: 4, web2: 4 }, seen: { web1: 4 }, failed: 4, keys: 1 },
      }),
      {
        property: 'TUN contract',
        ok: false,
        message:
          '8 connections, 4 failed: property 3 (direct return) failed for 4\n' +
          'connection 192.168.73.50:49700 (real server web2): property 3 (direct return) failed: web2 sent no reply\n' +
          '    lvs:eth0 #7 (/var/tmp/lvs-harness/run/lvs-eth0.pcap): 192.168.73.50.49700 > 192.168.73.120.80: Flags [S], seq 3883992183, length 0',
      },
      { property: 'doctor', ok: false, message: `doctor: ${rpFilter.pitfall} on ${rpFilter.host}: ${rpFilter.problem}\n  why: ${rpFilter.why}\n  fix: ${rpFilter.fix}` },
    ],
    findings: [rpFilter],
    notes: [arpAnnounce],
    connections: [
      {
        connection: '192.168.73.50:49700',
        realServer: 'web2',
        synCaptured: true,
        properties: [
          {
            id: 3,
            name: 'direct return',
            ok: false,
            detail: 'web2 sent no reply',
            evidence: [{ capture: 'lvs:eth0', file: '/var/tmp/lvs-harness/run/lvs-eth0.pcap', packetIndex: 7, summary: '192.168.73.50.49700 > 192.168.73.120.80: Flags [S]' }],
          },
        ],
      },
      { connection: '192.168.73.50:49702', synCaptured: false, properties: [] },
    ],
    captureFolder: '/var/tmp/lvs-harness/run/captures',
  };
}
