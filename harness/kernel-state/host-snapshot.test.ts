import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hostSnapshotScript, parseHostSnapshot, parseSysctlFiles } from './host-snapshot.js';

describe("one process's reading of a namespace", () => {
  it('splits the output into its sections, the route with its exit status', () => {
    const text = ['[{"ifname":"eth0"}]', '@@lvs-harness-section sysctls', 'net/ipv4/ip_forward:0', '@@lvs-harness-section route', 'exit=2', '@@lvs-harness-section fou', 'port 6080 gue', '@@lvs-harness-section ipvs', '-A -t 192.168.73.120:80 -s rr'].join('\n');
    expect(parseHostSnapshot(text)).toEqual({
      addresses: '[{"ifname":"eth0"}]',
      sysctls: { 'net.ipv4.ip_forward': '0' },
      route: { exitCode: 2, stdout: '' },
      fou: 'port 6080 gue',
      ipvsRules: '-A -t 192.168.73.120:80 -s rr',
    });
    expect(parseHostSnapshot('[]\n@@lvs-harness-section route\n[{"dev":"eth0"}]\nexit=0').route).toEqual({ exitCode: 0, stdout: '[{"dev":"eth0"}]' });
  });

  it('names sysctl files as sysctl does: a VLAN device\'s dot becomes a slash, a value keeps its tabs', () => {
    expect(parseSysctlFiles('net/ipv4/conf/eth0.100/rp_filter:1\nnet/ipv4/tcp_rmem:4096\t131072\t6291456\n')).toEqual({
      'net.ipv4.conf.eth0/100.rp_filter': '1',
      'net.ipv4.tcp_rmem': '4096\t131072\t6291456',
    });
  });

  it('passes the route\'s addresses as arguments, and asks only for what is wanted', () => {
    const plain = hostSnapshotScript({ sysctlFiles: ['net/ipv4/ip_forward'] });
    expect(plain.args).toEqual([]);
    expect(plain.script).not.toMatch(/route get|fou|ipvsadm/);
    const full = hostSnapshotScript({ sysctlFiles: [], routeGet: { to: '192.168.73.50', from: '192.168.73.120' }, fou: true, ipvsRules: true });
    expect(full.args).toEqual(['192.168.73.50', '192.168.73.120']);
    expect(full.script).not.toContain('192.168.73.50');
    expect(full.script).toMatch(/route get "\$1" from "\$2"/);
  });

  it('reads every file its globs match, whole, and skips those that match none', async () => {
    // The sysctl part of the script run by sh on a folder shaped like /proc/sys.
    const root = await mkdtemp(join(tmpdir(), 'snapshot-'));
    try {
      for (const device of ['all', 'eth0']) {
        await mkdir(join(root, 'net/ipv4/conf', device), { recursive: true });
        await writeFile(join(root, 'net/ipv4/conf', device, 'rp_filter'), device === 'all' ? '0\n' : '12\n');
      }
      const { script } = hostSnapshotScript({ sysctlFiles: ['net/ipv4/conf/*/rp_filter', 'net/ipv4/vs/conn_reuse_mode'] });
      const sysctlLine = script.split('\n').find((line) => line.startsWith('cd /proc/sys'))!.replace('/proc/sys', root);
      const { stdout } = await promisify(execFile)('sh', ['-c', sysctlLine]);
      expect(parseSysctlFiles(stdout)).toEqual({ 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.eth0.rp_filter': '12' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
