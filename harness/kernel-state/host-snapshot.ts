// Several reads of one namespace's kernel in one process: a shell script that runs `ip -j addr`,
// reads sysctl files from /proc/sys with grep (/proc/sys/net shows the reading process's network
// namespace), and, when asked, `ip route get`, `ip fou show` and `ipvsadm -S -n` (what
// `ipvsadm-save -n` runs), each section after a marker line. Inside User-Mode Linux a process
// costs tens of milliseconds and `sysctl -a` reads every file under /proc/sys; the doctor read
// five hosts this way in 2.1 s, one process per read.
// Pure: the script and its parser; read-kernel-state.ts runs it.

const MARKER = '@@lvs-harness-section';

export interface HostSnapshotRequest {
  /** Files under /proc/sys, shell globs allowed (net/ipv4/conf/STAR/rp_filter), read as sysctls. */
  sysctlFiles: readonly string[];
  /** `ip route get TO from FROM`: the device a packet would take. */
  routeGet?: { to: string; from: string };
  /** `ip fou show`: the ports fou decapsulates on. */
  fou?: boolean;
  /** `ipvsadm -S -n` (what `ipvsadm-save -n` runs): the IPVS rules (a director's). */
  ipvsRules?: boolean;
}

export interface HostSnapshotText {
  addresses: string;
  sysctls: Record<string, string>;
  route?: { exitCode: number; stdout: string };
  fou?: string;
  ipvsRules?: string;
}

/**
 * The script, and its positional arguments (the route's addresses go as arguments, never into
 * the text). A failing `ip addr` or `ipvsadm-save` fails the script with its own exit code and
 * words; a route that does not exist and a missing fou are answers.
 */
export function hostSnapshotScript(request: HostSnapshotRequest): { script: string; args: string[] } {
  const lines = [
    'ip -j addr show || exit $?',
    `echo '${MARKER} sysctls'`,
    // One grep for every file (path:value). Not the shell's `read`: dash reads a byte at a time,
    // and a sysctl file read at an offset past 0 ends there, so "10" would read as "1". A glob
    // that matched nothing, or a file that is not there (no IPVS loaded), is skipped (-s).
    `cd /proc/sys && grep -s -H . ${request.sysctlFiles.join(' ')}; true`,
  ];
  const args: string[] = [];
  if (request.routeGet) {
    args.push(request.routeGet.to, request.routeGet.from);
    lines.push(`echo '${MARKER} route'`, 'ip -j route get "$1" from "$2" 2>/dev/null; echo "exit=$?"');
  }
  if (request.fou) lines.push(`echo '${MARKER} fou'`, 'ip fou show 2>/dev/null; true');
  if (request.ipvsRules) lines.push(`echo '${MARKER} ipvs'`, 'ipvsadm -S -n || exit $?');
  return { script: lines.join('\n'), args };
}

/** The script's output, by section; sysctl keys as `sysctl` names them (net.ipv4.conf.eth0.rp_filter). */
export function parseHostSnapshot(stdout: string): HostSnapshotText {
  const sections = new Map<string, string>();
  let name = 'addresses';
  let body: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${MARKER} `)) {
      sections.set(name, body.join('\n'));
      name = line.slice(MARKER.length + 1).trim();
      body = [];
    } else body.push(line);
  }
  sections.set(name, body.join('\n'));
  const snapshot: HostSnapshotText = { addresses: sections.get('addresses') ?? '', sysctls: parseSysctlFiles(sections.get('sysctls') ?? '') };
  const route = sections.get('route');
  if (route !== undefined) {
    const exit = /^exit=(\d+)$/m.exec(route);
    snapshot.route = { exitCode: exit ? Number(exit[1]) : 1, stdout: route.replace(/^exit=\d+$/m, '').trim() };
  }
  if (sections.has('fou')) snapshot.fou = sections.get('fou')!;
  if (sections.has('ipvs')) snapshot.ipvsRules = sections.get('ipvs')!;
  return snapshot;
}

/** grep's `net/ipv4/conf/eth0.100/rp_filter:1` lines as sysctl's keys: path parts joined by dots, a dot within a part (a VLAN device) a slash. */
export function parseSysctlFiles(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).split('/').map((part) => part.replace(/\./g, '/')).join('.');
    values[key] = line.slice(colon + 1).trim();
  }
  return values;
}
