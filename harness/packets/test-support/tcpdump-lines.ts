// Reads the fields tests compare out of `tcpdump -nn -e -tt -S` lines, so the
// decoder can be checked against tcpdump's own reading of the same file.

/** The IP/TCP part of a tcpdump line; `inner` holds the packet inside IP-in-IP. */
export interface TcpdumpIp {
  source: string;
  destination: string;
  sourcePort?: number;
  destinationPort?: number;
  flags?: string;
  sequence?: number;
  acknowledgment?: number;
  inner?: TcpdumpIp;
}

/** Fields of one tcpdump output line. */
export interface TcpdumpLine {
  timestamp: string;
  sourceMac?: string;
  destinationMac?: string;
  vlanId?: number;
  /** `In`/`Out`/... from Linux cooked captures. */
  direction?: string;
  arp?: { operation: 'request' | 'reply'; senderIp: string; targetIp?: string; senderMac?: string };
  ip?: TcpdumpIp;
}

const MAC = '[0-9a-f]{2}(?::[0-9a-f]{2}){5}';
// IPv4, or IPv6 as tcpdump -nn prints it (no dots, so `ADDRESS.PORT` stays unambiguous).
const ADDRESS = '(?:\\d+\\.\\d+\\.\\d+\\.\\d+|[0-9a-f]*:[0-9a-f:]*)';

/** Parses every packet line of tcpdump's output (the "reading from file" banner is skipped). */
export function parseTcpdumpOutput(output: string): TcpdumpLine[] {
  return output
    .split('\n')
    .filter((line) => /^\d+\.\d+ /.test(line))
    .map(parseTcpdumpLine);
}

/** Parses one `-nn -e -tt` line. */
export function parseTcpdumpLine(line: string): TcpdumpLine {
  const [, timestamp = '', afterTime = ''] = /^(\d+\.\d+)\s+(.*)$/.exec(line) ?? [];
  const result: TcpdumpLine = { timestamp };
  let rest = afterTime;
  const ethernet = new RegExp(`^(${MAC}) > (${MAC}), ethertype [^,]*, length \\d+: (.*)$`).exec(rest);
  const cooked = new RegExp(`^(?:\\S+\\s+)?(In|Out|B|M|P)\\s+(?:ifindex \\d+ )?(${MAC}) ethertype [^,]*, length \\d+: (.*)$`).exec(rest);
  if (ethernet) {
    result.sourceMac = ethernet[1];
    result.destinationMac = ethernet[2];
    rest = ethernet[3] ?? '';
    const vlan = /^vlan (\d+), p \d+, ethertype [^,]*, (.*)$/.exec(rest);
    if (vlan) {
      result.vlanId = Number(vlan[1]);
      rest = vlan[2] ?? '';
    }
  } else if (cooked) {
    result.direction = cooked[1];
    result.sourceMac = cooked[2];
    rest = cooked[3] ?? '';
  } else {
    rest = rest.replace(/^ip: /, '');
  }
  const request = new RegExp(`^Request who-has (${ADDRESS}) tell (${ADDRESS})`).exec(rest);
  const reply = new RegExp(`^Reply (${ADDRESS}) is-at (${MAC})`).exec(rest);
  if (request) result.arp = { operation: 'request', targetIp: request[1] ?? '', senderIp: request[2] ?? '' };
  else if (reply) result.arp = { operation: 'reply', senderIp: reply[1] ?? '', senderMac: reply[2] ?? '' };
  else {
    const ip = parseIp(rest);
    if (ip) result.ip = ip;
  }
  return result;
}

function parseIp(text: string): TcpdumpIp | undefined {
  const bare = new RegExp(`^(${ADDRESS}) > (${ADDRESS}): (.*)$`).exec(text);
  if (bare) {
    // Addresses without ports followed by another IP header: tcpdump's IP-in-IP notation, or
    // GRE's (`GREv0, length N: IP ...`).
    const ip: TcpdumpIp = { source: bare[1] ?? '', destination: bare[2] ?? '' };
    const inner = parseIp((bare[3] ?? '').replace(/^GREv0, (?:[^:]*, )?length \d+: /, ''));
    if (inner) ip.inner = inner;
    return ip;
  }
  const ported = new RegExp(`^(${ADDRESS})\\.(\\d+) > (${ADDRESS})\\.(\\d+): (.*)$`).exec(text);
  if (!ported) return undefined;
  const ip: TcpdumpIp = {
    source: ported[1] ?? '',
    sourcePort: Number(ported[2]),
    destination: ported[3] ?? '',
    destinationPort: Number(ported[4]),
  };
  const details = ported[5] ?? '';
  const flags = /^Flags \[([^\]]*)\]/.exec(details);
  if (flags) ip.flags = flags[1] ?? '';
  const sequence = /, seq (\d+)/.exec(details);
  if (sequence) ip.sequence = Number(sequence[1]);
  const acknowledgment = /, ack (\d+)/.exec(details);
  if (acknowledgment) ip.acknowledgment = Number(acknowledgment[1]);
  return ip;
}
