// What `lvs-harness check --json` prints, as a versioned schema: scripts and CI read the report
// by this contract, not by whatever the in-memory report happens to hold. Pure.
//
// Within a version, fields may be added (readers ignore the ones they do not know); a field
// removed, renamed, or changing its type or meaning raises CHECK_REPORT_SCHEMA_VERSION and the
// name of the JSON Schema file (schemas/check-report.v<N>.schema.json).
// A namespace import, not `{ z }`: the bundled command (scripts/bundle-cli.mjs) then keeps
// only the parts of zod used, 189 KB of its 734 KB, compiled at every start.
import * as z from 'zod';
import { PITFALL_SUMMARIES } from '../doctor/diagnose.js';
import { SCHEDULERS } from '../topology/topology.js';
import { TUN_PROPERTY_NAMES } from '../verdicts/tun-contract-types.js';
import type { CheckReport } from './run-checks.js';

export const CHECK_REPORT_SCHEMA_VERSION = 1;

const count = z.number().int().min(0);
const perRealServer = z.record(z.string(), count);

const distributionSchema = z
  .object({
    scheduler: z.enum(SCHEDULERS).describe("the service's IPVS scheduler"),
    persistent: z.boolean().describe('whether the service is persistent (-p): one real server per client network'),
    expected: perRealServer.optional().describe("connections per real server as the scheduler's rule gives them; absent where the rule leaves the choice to a hash the harness cannot read"),
    seen: perRealServer.describe('connections per real server that answered'),
    failed: count.describe('connections nobody answered'),
    keys: count.describe('distinct keys (client addresses or networks) the connections came from'),
  })
  .describe('who answered, against what the scheduler promises (the distribution assertion only)');

const verdictSchema = z
  .object({
    property: z.string().describe('the property judged: "round-robin", "distribution (wrr)", "TUN contract", "doctor", "cluster settled", a failover scenario, ...'),
    ok: z.boolean(),
    message: z.string().describe('one line when ok; on failure, what was wrong and the evidence (several lines)'),
    distribution: distributionSchema.optional(),
  })
  .describe("one assertion's verdict");

const findingSchema = z
  .object({
    pitfall: z.string().describe(`the pitfall's id, one of ${Object.keys(PITFALL_SUMMARIES).join(', ')} (more may be added within this version)`),
    severity: z.enum(['pitfall', 'note']).describe('pitfall: traffic fails as `why` says; note: a setting LVS-TUN works without, never failing a check'),
    host: z.string(),
    problem: z.string(),
    why: z.string(),
    fix: z.string().describe("the command that fixes it, run in the host's namespace"),
  })
  .describe("one of the doctor's findings");

const evidenceSchema = z
  .object({
    capture: z.string().describe('host:iface, e.g. lvs:eth0'),
    file: z.string().optional().describe('the capture file, when kept'),
    packetIndex: count.describe('the packet in the capture, counted from 0'),
    summary: z.string().describe('the packet in tcpdump -nn -e words'),
  })
  .describe('a packet that decided a property');

const propertyVerdictSchema = z
  .object({
    id: z.number().int().min(1).max(5).describe(`the property's number: ${Object.entries(TUN_PROPERTY_NAMES).map(([id, name]) => `${id} ${name}`).join(', ')}`),
    name: z.string(),
    ok: z.boolean(),
    detail: z.string(),
    evidence: z.array(evidenceSchema),
  })
  .describe('one of the five TUN properties for one connection');

const connectionVerdictSchema = z
  .object({
    connection: z.string().describe("the client's address:port"),
    realServer: z.string().optional().describe('the real server the connection was sent to, when any packet said so'),
    synCaptured: z.boolean().describe("false when no capture holds the client's SYN: judged on what is there"),
    properties: z.array(propertyVerdictSchema),
  })
  .describe("one connection's TUN verdicts (the tun-contract assertion only)");

export const checkReportJsonSchema = z
  .object({
    schemaVersion: z.literal(CHECK_REPORT_SCHEMA_VERSION).describe('this schema\'s version: a reader checks it before anything else'),
    topology: z.string().describe("the topology's name"),
    source: z.string().optional().describe('the topology file, when it came from one'),
    runId: z.string().describe("the run's id (its namespaces are lvsh-RUNID-HOST)"),
    kernel: z.string().describe('the kernel the cluster was built in and its release, e.g. "host kernel 6.8.0-1017-azure" or "User-Mode Linux 6.1.176"'),
    passed: z.boolean().describe('every verdict ok (the exit code is 0 exactly then)'),
    verdicts: z.array(verdictSchema).describe('one per assertion run, in order'),
    findings: z.array(findingSchema).describe("the doctor's pitfalls, when the doctor ran"),
    notes: z.array(findingSchema).describe("the doctor's notes: printed, never failing"),
    connections: z.array(connectionVerdictSchema).describe('per connection TUN verdicts, when the TUN contract ran'),
    captureFolder: z.string().optional().describe('where the captures were kept, when they were'),
  })
  .meta({ title: 'lvs-harness check report', description: `What lvs-harness check --json prints (schemaVersion ${CHECK_REPORT_SCHEMA_VERSION}).` });

export type CheckReportJson = z.infer<typeof checkReportJsonSchema>;

/** The report in its machine form, as `check --json` prints it: the in-memory report's fields after the version. */
export function checkReportJson(report: CheckReport): CheckReportJson {
  return { schemaVersion: CHECK_REPORT_SCHEMA_VERSION, ...report };
}

/** The schema as a JSON Schema document (draft 2020-12), the text of schemas/check-report.v1.schema.json. */
export function checkReportJsonSchemaText(): string {
  // Input mode leaves objects open: a reader of this version accepts the fields added within it.
  return `${JSON.stringify(z.toJSONSchema(checkReportJsonSchema, { io: 'input' }), null, 2)}\n`;
}
