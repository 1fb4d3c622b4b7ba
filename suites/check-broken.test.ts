// A cluster broken only through its topology's own sysctls and commands always gets verdicts:
// `check` exits 1 naming the property that fails and, where the doctor knows the cause, the
// finding; never 2, which is for the harness's own environment. And settings the doctor only
// notes (LVS-TUN works without them) pass a check, shown with traffic.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { asOnACapableHost, runCli } from './support/run-cli.js';
import type { CheckReport } from '../harness/library/index.js';

const env = asOnACapableHost();
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/topologies/broken/${name}.yaml`, import.meta.url));

async function check(file: string, extra: string[] = []): Promise<{ exitCode: number; report: CheckReport; stderr: string }> {
  const result = await runCli(['check', file, '--json', ...extra], { env, timeoutMs: 170_000 });
  const start = result.stdout.indexOf('{');
  expect(start, `check printed no JSON report (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`).toBeGreaterThanOrEqual(0);
  return { exitCode: result.exitCode, report: JSON.parse(result.stdout.slice(start)) as CheckReport, stderr: result.stderr };
}

const failing = (report: CheckReport) => report.verdicts.filter((verdict) => !verdict.ok).map((verdict) => verdict.property);
const findings = (report: CheckReport) => report.findings.map((finding) => `${finding.pitfall}@${finding.host}`);

// At once: each check is a command of its own with a cluster of its own, and a broken one
// spends most of its time waiting out connections that get no answer, which overlap.
describe.concurrent('check on clusters broken through their own sysctls and commands', () => {
  it.each([
    ['tunl0-down', ['round-robin', 'TUN contract', 'doctor'], ['tunl0-down@web1']],
    ['vip-removed', ['round-robin', 'TUN contract', 'doctor'], ['vip-missing-on-real-server@web2']],
    // Its replies to the client go into the tunnel on its own address too: it never answers the readiness check.
    ['reply-route-into-tunnel', ['cluster settled', 'round-robin', 'TUN contract', 'doctor'], ['replies-into-tunnel@web1']],
    ['rp-filter-strict', ['round-robin', 'TUN contract', 'doctor'], ['rp-filter-on-tunl0@web2']],
    ['ipip-filtered', ['round-robin', 'TUN contract'], []],
    ['arp-ignore', ['round-robin', 'TUN contract', 'doctor'], ['arp-ignore@web1']],
    ['vip-missing-on-director', ['round-robin', 'TUN contract', 'doctor'], ['vip-missing-on-director@lvs']],
    ['ipvs-table-differs', ['round-robin', 'doctor'], ['ipvs-table-differs@lvs']],
    ['uplink-down', ['cluster settled', 'round-robin', 'TUN contract', 'doctor'], ['uplink-down@web1']],
  ])('%s: exit 1, failing %j, the doctor finding %j', async (name, properties, expected) => {
    const { exitCode, report, stderr } = await check(fixture(name));
    expect(exitCode, stderr).toBe(1);
    expect(failing(report)).toEqual(properties);
    expect(findings(report)).toEqual(expected);
  });
});

describe('settings the doctor only notes', () => {
  it("a director with ip_forward off and send_redirects on passes every assertion: the doctor prints them as notes", async () => {
    const { exitCode, report, stderr } = await check(fileURLToPath(new URL('../fixtures/topologies/director-notes.yaml', import.meta.url)));
    expect(exitCode, stderr).toBe(0);
    expect(failing(report)).toEqual([]);
    expect(report.notes.map((note) => `${note.pitfall}@${note.host}`)).toEqual(['director-ip-forward@lvs', 'director-send-redirects@lvs']);
  });

  it('a real server with arp_announce 0 passes every assertion: the doctor prints it as a note', async () => {
    const { exitCode, report, stderr } = await check(fileURLToPath(new URL('../fixtures/topologies/arp-announce-note.yaml', import.meta.url)));
    expect(exitCode, stderr).toBe(0);
    expect(failing(report)).toEqual([]);
    expect(report.notes.map((note) => `${note.pitfall}@${note.host}`)).toEqual(['arp-announce@web1']);
  });
});
