// A missing tool is one clear error naming the tools and the Debian packages that bring them;
// root's sbin folders are searched even when PATH (sudo's) lacks them.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TOOLS } from '../plan/tools-needed.js';
import { findTool, MissingToolError, requireTools, toolFolders } from './find-tool.js';

let bin: string;
let sbin: string;

/** A folder holding fake executables (and one file that is not executable). */
async function folderWith(tools: string[], notExecutable: string[] = []): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'lvsh-find-tool-'));
  for (const tool of tools) await writeFile(join(folder, tool), '#!/bin/sh\n', { mode: 0o755 });
  for (const file of notExecutable) {
    await writeFile(join(folder, file), 'not a program\n');
    await chmod(join(folder, file), 0o644);
  }
  return folder;
}

beforeAll(async () => {
  bin = await folderWith(['ip', 'nsenter', 'node'], ['ipvsadm']);
  sbin = await folderWith(['sysctl', 'ipvsadm-save']);
});
afterAll(async () => {
  for (const folder of [bin, sbin]) await rm(folder, { recursive: true, force: true });
});

describe('findTool', () => {
  it('finds a tool on the search path, and in the extra folders after it', () => {
    expect(findTool('ip', bin, [sbin])).toBe(join(bin, 'ip'));
    expect(findTool('sysctl', bin, [sbin])).toBe(join(sbin, 'sysctl'));
  });

  it('does not take a file that is not executable, nor a tool from a folder not searched', () => {
    expect(findTool('ipvsadm', bin, [])).toBeUndefined();
    expect(findTool('sysctl', bin, [])).toBeUndefined();
  });

  it("searches root's sbin folders by default after PATH, each folder once", () => {
    expect(toolFolders(['/usr/bin', '/usr/sbin', ''].join(delimiter))).toEqual(['/usr/bin', '/usr/sbin', '/usr/local/sbin', '/sbin']);
    expect(toolFolders('')).toEqual(['/usr/local/sbin', '/usr/sbin', '/sbin']);
  });
});

describe('requireTools', () => {
  it('passes when every tool is found', () => {
    expect(() => requireTools(['ip', 'sysctl'], { searchPath: bin, extraFolders: [sbin] })).not.toThrow();
  });

  it('names every missing tool and each package once', () => {
    const attempt = () => requireTools(BUILD_TOOLS, { searchPath: bin, extraFolders: [sbin] });
    expect(attempt).toThrow(MissingToolError);
    expect(attempt).toThrow('missing tools: ipvsadm, ipvsadm-restore; install with: apt-get install -y ipvsadm (or run bash scripts/setup.sh)');
  });

  it('names the package of the User-Mode Linux kernel and of the firewall tools', () => {
    expect(() => requireTools(['linux.uml', 'nft', 'iptables-save'], { searchPath: bin, extraFolders: [] })).toThrow(
      'missing tools: linux.uml, nft, iptables-save; install with: apt-get install -y user-mode-linux nftables iptables',
    );
  });

  it('names an unknown tool as its own package', () => {
    expect(() => requireTools(['no-such-tool-lvsh'], { searchPath: bin, extraFolders: [] })).toThrow('missing tool: no-such-tool-lvsh; install with: apt-get install -y no-such-tool-lvsh');
  });
});
