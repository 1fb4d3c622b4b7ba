// The CPU as far as a guest cares (UML's XSAVE state, QEMU's KVM): its model and a hash of its
// feature flags. Part of every probe's cache key, so a cached answer never outlives its machine.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function cpuIdentity(): string {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim() ?? '';
    return `${field('model name')}; flags ${createHash('sha256').update(field('flags')).digest('hex').slice(0, 12)}`;
  } catch {
    return 'unknown';
  }
}
