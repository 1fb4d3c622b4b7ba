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
  nsenter: 'util-linux',
  taskset: 'util-linux',
  modprobe: 'kmod',
  tcpdump: 'tcpdump',
  keepalived: 'keepalived',
  'linux.uml': 'user-mode-linux',
  'qemu-system-x86_64': 'qemu-system-x86',
  busybox: 'busybox-static',
  'apt-get': 'apt',
  'dpkg-deb': 'dpkg',
  depmod: 'kmod',
  nft: 'nftables',
  'iptables-save': 'iptables',
  'ip6tables-save': 'iptables',
};

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/**
 * Where root's tools live. sudo's PATH may lack them, so they are searched after PATH's own
 * folders; a test passes others (or none) to simulate a machine without a tool.
 */
export const ROOT_TOOL_FOLDERS: readonly string[] = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export interface ToolSearch {
  /** A PATH-style list of folders; defaults to this process's PATH. */
  searchPath?: string;
  /** Folders searched after searchPath's, unless already among them. */
  extraFolders?: readonly string[];
}

/** The folders searched, in order, each once. */
export function toolFolders(searchPath = process.env.PATH ?? '', extraFolders = ROOT_TOOL_FOLDERS): string[] {
  return [...new Set([...searchPath.split(delimiter), ...extraFolders].filter(Boolean))];
}

/** The absolute path of an executable on PATH (plus the sbin folders root has), or undefined. */
export function findTool(name: string, searchPath = process.env.PATH ?? '', extraFolders = ROOT_TOOL_FOLDERS): string | undefined {
  for (const folder of toolFolders(searchPath, extraFolders)) {
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
export function requireTools(names: readonly string[], search: ToolSearch = {}): void {
  const missing = names.filter((name) => !findTool(name, search.searchPath, search.extraFolders));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((name) => TOOL_PACKAGES[name] ?? name))];
  throw new MissingToolError(
    `missing tool${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}; install with: apt-get install -y ${packages.join(' ')} (or run bash scripts/setup.sh)`,
  );
}
