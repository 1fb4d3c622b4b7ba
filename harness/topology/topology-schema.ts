// The shape of a topology file. Strict: an unknown key is an error, because a misspelt
// option silently ignored is how a reproduction stops reproducing the bug.
// A namespace import, not `{ z }`: the bundled command (scripts/bundle-cli.mjs) then keeps
// only the parts of zod used, 189 KB of its 734 KB, compiled at every start.
import * as z from 'zod';
import { ASSERTION_NAMES, SCHEDULERS } from './topology.js';

/** The most hosts a topology may have: 64 real servers with their clients and directors, twice over. */
export const MAX_HOSTS = 128;

const hostName = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single dashes, starting with a letter')
  // The bridge side of the host's veth is named `v-<host>`, and interface names stop at 15 characters.
  .max(12, 'must be at most 12 characters (it becomes part of an interface name, limited to 15)');

const ipv4Text = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address like 192.168.73.110');
// Checked as an address by the resolution, which can say which part is wrong.
const ipv6Text = z.string().regex(/^[0-9A-Fa-f:]+$/, 'must be an IPv6 address like 2001:db8:73::110').refine((text) => text.includes(':'), 'must be an IPv6 address like 2001:db8:73::110');
const vipText = z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:]*)$/, 'must be an IPv4 address like 192.168.73.120 or an IPv6 one like 2001:db8:73::120');
const port = z.number().int('must be a whole number').min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535');
const sysctlKey = z.string().regex(/^net\.[a-z0-9_.\-]+$/i, 'must be a sysctl under net. (the namespace owns only those)');
const sysctlValue = z.union([z.string(), z.number()]).transform(String);
const argv = z.array(z.string()).min(1, 'must name a command');
const seconds = z.number().min(0.1, 'must be at least 0.1 seconds').max(3600, 'must be at most 3600 seconds');
const mtu = z.number().int('must be a whole number').min(576, 'must be from 576 to 9000').max(9000, 'must be from 576 to 9000');
// tc-netem's own forms: a time with its unit, a percentage.
const netemTime = z.string().regex(/^\d+(\.\d+)?(us|ms|s)$/, 'must be a time like 20ms, 500us or 1s');
const netemPercent = z.string().regex(/^\d+(\.\d+)?%$/, 'must be a percentage like 1% or 0.5%');
const netemSchema = z.strictObject({ delay: netemTime.optional(), jitter: netemTime.optional(), loss: netemPercent.optional() });

/** More source addresses for the client: a list, or a run of consecutive ones. */
const extraAddressesSchema = z.union([
  z.array(ipv4Text).max(250, 'must list at most 250 addresses'),
  z.strictObject({
    count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(250, 'must be at most 250'),
    first: ipv4Text,
  }),
]);

/** The user's own tool, in charge of part of a host's configuration (see Configurator). */
const configuratorSchema = z.strictObject({
  run: z.array(z.string()).min(1, 'must name a command').refine((words) => words[0] !== '', 'must name a program first, not an empty string'),
  daemon: z.boolean().optional(),
  ready: z
    .string()
    .min(1, 'must be a pattern')
    .refine((pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression')
    .optional(),
  sets: z.array(z.enum(['ipvs', 'vip', 'sysctls', 'tunnel'])).min(1, 'must name at least one part: ipvs, vip, sysctls (directors) or tunnel, sysctls (real servers)').optional(),
  expect: z.enum(['topology', 'stable']).optional(),
  timeout: seconds.optional(),
  env: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
        .refine((name) => !name.startsWith('LVS_HARNESS_'), 'must not be an LVS_HARNESS_ variable: those are the contract\'s, set by the harness'),
      z.union([z.string(), z.number()]).transform(String),
    )
    .optional(),
});

const hostSchema = z.strictObject({
  role: z.enum(['client', 'director', 'real-server']),
  address: ipv4Text,
  address6: ipv6Text.optional(),
  extraAddresses: extraAddressesSchema.optional(),
  sysctls: z.record(sysctlKey, sysctlValue).optional(),
  commands: z.array(argv).optional(),
  configurator: configuratorSchema.optional(),
  vrrpPriority: z.number().int('must be a whole number').min(1, 'must be from 1 to 254').max(254, 'must be from 1 to 254').optional(),
  mtu: mtu.optional(),
  netem: netemSchema.optional(),
  http: z
    .strictObject({
      port: port.optional(),
      body: z.string().max(1_048_576, 'must be at most 1 MiB').optional(),
      bodySize: z.number().int('must be a whole number').min(1).max(16_777_216, 'must be at most 16 MiB').optional(),
    })
    .optional(),
});

/** web1..webN at consecutive addresses, instead of listing each. */
const generatedRealServersSchema = z.strictObject({
  count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_HOSTS, `must be at most ${MAX_HOSTS}`),
  namePrefix: z.string().regex(/^[a-z][a-z0-9]*$/, 'must be lower-case letters and digits, starting with a letter').max(9, 'must be at most 9 characters').optional(),
  firstAddress: ipv4Text,
  weight: z.number().int('must be a whole number').min(0).max(65535).optional(),
  forwarding: z.enum(['tunnel', 'direct-routing', 'nat']).optional(),
});

const realServerSchema = z.strictObject({
  host: hostName,
  port: port.optional(),
  weight: z.number().int('must be a whole number').min(0).max(65535).optional(),
  forwarding: z.enum(['tunnel', 'direct-routing', 'nat']).optional(),
});

const healthCheckSchema = z.strictObject({
  type: z.enum(['http-get', 'none']).optional(),
  path: z.string().regex(/^\/[^\s{}#!]*$/, 'must be a URL path starting with / (no spaces, braces, # or !)').optional(),
  statusCode: z.number().int('must be a whole number').min(100).max(599).optional(),
  delayLoop: seconds.optional(),
  connectTimeout: seconds.optional(),
  retry: z.number().int('must be a whole number').min(0).max(100).optional(),
  delayBeforeRetry: seconds.optional(),
});

const vrrpSchema = z.strictObject({
  virtualRouterId: z.number().int('must be a whole number').min(1, 'must be from 1 to 255').max(255, 'must be from 1 to 255').optional(),
  advertInterval: z.number().min(0.01, 'must be at least 0.01 seconds').max(255, 'must be at most 255 seconds').optional(),
  syncDaemon: z.boolean().optional(),
});

/** The public bug report a topology reproduces (fixtures/bugs): where it is, and what it says. */
const bugReportSchema = z.strictObject({
  url: z.string().regex(/^https:\/\/\S+$/, 'must be the report\'s https:// address'),
  symptom: z.string().min(1, 'must quote the symptom').max(2_000, 'must be at most 2000 characters'),
  cause: z.string().min(1, 'must say the cause').max(2_000, 'must be at most 2000 characters'),
  fix: z.string().min(1, 'must say the fix').max(2_000, 'must be at most 2000 characters'),
  /** What this kernel shows of it, where the report's kernel behaved otherwise. */
  kernel: z.string().max(2_000, 'must be at most 2000 characters').optional(),
});

export const topologyFileSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores').optional(),
  report: bugReportSchema.optional(),
  segment: z.strictObject({
    subnet: z.string(),
    subnet6: z.string().optional(),
    mtu: mtu.optional(),
  }),
  generate: z.strictObject({ realServers: generatedRealServersSchema }).optional(),
  assertions: z.array(z.enum(ASSERTION_NAMES)).min(1, 'must name at least one assertion').optional(),
  // Each host is a namespace with its own processes: past a few dozen, a cluster is a load
  // test, not a reproduction, and inside User-Mode Linux it would not fit in memory.
  hosts: z.record(hostName, hostSchema).refine((hosts) => Object.keys(hosts).length <= MAX_HOSTS, {
    message: `must list at most ${MAX_HOSTS} hosts`,
  }),
  service: z.strictObject({
    vip: vipText,
    port: port.optional(),
    tunnelOver: z.enum(['ipv6', 'ipv4']).optional(),
    protocol: z.enum(['tcp', 'udp']).optional(),
    onePacket: z.boolean().optional(),
    tunnel: z
      .strictObject({
        type: z.enum(['ipip', 'gue', 'gre']),
        port: port.optional(),
        checksum: z.enum(['none', 'csum', 'remcsum']).optional(),
      })
      .optional(),
    timeouts: z
      .strictObject({
        tcp: z.number().int('must be a whole number of seconds').min(1).max(2_678_400).optional(),
        tcpFin: z.number().int('must be a whole number of seconds').min(1).max(2_678_400).optional(),
        udp: z.number().int('must be a whole number of seconds').min(1).max(2_678_400).optional(),
      })
      .optional(),
    scheduler: z.enum(SCHEDULERS).optional(),
    persistence: z.number().int('must be a whole number').min(1).max(2_678_400).optional(),
    persistenceNetmask: ipv4Text.optional(),
    rulesFrom: z.enum(['ipvsadm', 'ipvsadm-restore', 'keepalived']).optional(),
    healthCheck: healthCheckSchema.optional(),
    inhibitOnFailure: z.boolean().optional(),
    vrrp: vrrpSchema.optional(),
    realServers: z.array(realServerSchema).max(MAX_HOSTS, `must list at most ${MAX_HOSTS} real servers`).default([]),
  }),
});

export type TopologyFile = z.infer<typeof topologyFileSchema>;
