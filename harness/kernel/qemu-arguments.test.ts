import { describe, expect, it } from 'vitest';
import { qemuArguments, writeShareTag, type QemuGuestSpec } from './qemu-arguments.js';

const SPEC: QemuGuestSpec = {
  accelerator: 'tcg',
  image: '/var/cache/lvs-harness/vmlinuz-6.12.117+deb12-amd64',
  initramfs: '/tmp/lvsh-x/initramfs.cpio',
  memoryMb: 768,
  cpus: 2,
  exchange: '/tmp/lvsh-exchange-1',
  writeFolders: ['/work/main/out', '/tmp/captures'],
  errorSocket: '/tmp/lvsh-exchange-1/errors.sock',
  interactive: false,
};

/** The value after each occurrence of `option`. */
function valuesOf(argv: string[], option: string): string[] {
  return argv.flatMap((argument, index) => (argument === option ? [argv[index + 1]!] : []));
}

/** The -virtfs shares, each as its key=value options. */
function shares(argv: string[]): Array<Map<string, string>> {
  return valuesOf(argv, '-virtfs').map((value) => {
    // Split on single commas only: ',,' is an escaped comma inside a value.
    const parts = value.split(/(?<!,),(?!,)/).map((part) => part.replaceAll(',,', ','));
    return new Map(parts.map((part) => {
      const equals = part.indexOf('=');
      return equals < 0 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)];
    }));
  });
}

describe("a QEMU guest's command line", () => {
  it("emulates the CPU with TCG in several threads", () => {
    const argv = qemuArguments(SPEC);
    expect(valuesOf(argv, '-accel')).toEqual(['tcg,thread=multi']);
    expect(argv).not.toContain('kvm');
  });

  it("uses KVM with the host's CPU", () => {
    const argv = qemuArguments({ ...SPEC, accelerator: 'kvm' });
    expect(valuesOf(argv, '-accel')).toEqual(['kvm']);
    expect(valuesOf(argv, '-cpu')).toEqual(['host']);
  });

  it('boots the image and the initramfs with the memory and CPUs asked for', () => {
    const argv = qemuArguments(SPEC);
    expect(valuesOf(argv, '-kernel')).toEqual([SPEC.image]);
    expect(valuesOf(argv, '-initrd')).toEqual([SPEC.initramfs]);
    expect(valuesOf(argv, '-m')).toEqual(['768M']);
    expect(valuesOf(argv, '-smp')).toEqual(['2']);
  });

  it("shares the host's root read-only as hostroot, remapping the inodes of the mounts below it", () => {
    const root = shares(qemuArguments(SPEC)).find((share) => share.get('mount_tag') === 'hostroot')!;
    expect(root).toBeDefined();
    expect(root.get('path')).toBe('/');
    expect(root.get('readonly')).toBe('on');
    expect(root.get('multidevs')).toBe('remap');
    expect(root.has('local')).toBe(true);
  });

  it('shares the exchange folder read-write', () => {
    const exchange = shares(qemuArguments(SPEC)).find((share) => share.get('mount_tag') === 'exchange')!;
    expect(exchange.get('path')).toBe(SPEC.exchange);
    expect(exchange.has('readonly')).toBe(false);
    expect(valuesOf(qemuArguments(SPEC), '-virtfs').find((value) => value.includes('mount_tag=exchange'))).not.toContain('readonly=on');
  });

  it('shares the write folders read-write as w0, w1, ... in their order', () => {
    const all = shares(qemuArguments(SPEC));
    const written = all.filter((share) => /^w\d+$/.test(share.get('mount_tag')!));
    expect(written.map((share) => [share.get('mount_tag'), share.get('path'), share.has('readonly')])).toEqual([
      ['w0', '/work/main/out', false],
      ['w1', '/tmp/captures', false],
    ]);
    expect([writeShareTag(0), writeShareTag(1)]).toEqual(['w0', 'w1']);
    expect(all.map((share) => share.get('mount_tag'))).toEqual(['hostroot', 'exchange', 'w0', 'w1']);
  });

  it('shares no write folder when there are none', () => {
    expect(shares(qemuArguments({ ...SPEC, writeFolders: [] })).map((share) => share.get('mount_tag'))).toEqual(['hostroot', 'exchange']);
  });

  it('gives the kernel the serial console, an immediate reboot on panic and the exchange folder', () => {
    const append = valuesOf(qemuArguments(SPEC), '-append');
    expect(append).toHaveLength(1);
    const words = append[0]!.split(' ');
    expect(words).toContain('console=ttyS0');
    expect(words).toContain('panic=-1');
    expect(words).toContain(`lvsh_exchange=${SPEC.exchange}`);
  });

  it('turns a reboot (the panic) into the end of QEMU', () => {
    expect(qemuArguments(SPEC)).toContain('-no-reboot');
  });

  it('sends the second serial line to the error socket', () => {
    const argv = qemuArguments(SPEC);
    const errors = valuesOf(argv, '-chardev').find((value) => value.startsWith('socket,'));
    expect(errors).toBe(`socket,id=errors,path=${SPEC.errorSocket}`);
    expect(valuesOf(argv, '-serial')).toEqual(['chardev:console', 'chardev:errors']);
  });

  it('doubles a comma in a path, as QEMU escapes it', () => {
    const argv = qemuArguments({ ...SPEC, exchange: '/tmp/a,b', writeFolders: ['/tmp/c,d,e'], errorSocket: '/tmp/a,b/errors.sock' });
    const virtfs = valuesOf(argv, '-virtfs');
    expect(virtfs[1]).toContain('path=/tmp/a,,b,');
    expect(virtfs[2]).toContain('path=/tmp/c,,d,,e,');
    expect(valuesOf(argv, '-chardev')).toContain('socket,id=errors,path=/tmp/a,,b/errors.sock');
    // Read back with QEMU's escaping, the paths are the ones given.
    expect(shares(argv).map((share) => share.get('path'))).toEqual(['/', '/tmp/a,b', '/tmp/c,d,e']);
  });
});
