// Checks for the Debian tools the harness runs before it runs them, so a missing one is one
// clear error naming the package, not a cryptic failure halfway through a build.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The Debian package that ships each tool. */
export const TOOL_PACKAGES: Record<string, string> = {
  ip: 'iproute2',
  ipvsadm: 'ipvsadm',
  'ipvsadm-restore': 'ipvsadm',
  'ipvsadm-save': 'ipvsadm',
  sysctl: 'procps',
  modprobe: 'kmod',
  tcpdump: 'tcpdump',
  keepalived: 'keepalived',
  'linux.uml': 'user-mode-linux',
};

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** The absolute path of an executable on PATH (plus the sbin folders root has), or undefined. */
export function findTool(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  const folders = [...searchPath.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);
  for (const folder of folders) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return undefined;
}

/** Throws one error listing every missing tool and the packages that bring them. */
export function requireTools(names: readonly string[]): void {
  const missing = names.filter((name) => !findTool(name));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((name) => TOOL_PACKAGES[name] ?? name))];
  throw new MissingToolError(
    `missing tool${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}; install with: apt-get install -y ${packages.join(' ')} (or run bash scripts/setup.sh)`,
  );
}
