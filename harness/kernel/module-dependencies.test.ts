import { describe, expect, it } from 'vitest';
import { MissingModuleError, moduleLoadOrder, moduleName, parseModuleIndex } from './module-dependencies.js';
import { INITRAMFS_MODULES } from './qemu-initramfs.js';

// Debian 12's 6.1 kernel: virtio_pci is a module, with its transport helpers.
const DEBIAN_6_1_DEP = `kernel/arch/x86/crypto/aesni-intel.ko: kernel/crypto/crypto_simd.ko kernel/crypto/cryptd.ko
kernel/fs/netfs/netfs.ko:
kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko
kernel/net/9p/9pnet.ko:
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/net/9p/9pnet_fd.ko: kernel/net/9p/9pnet.ko
kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
`;
const DEBIAN_6_1_BUILTIN = `kernel/arch/x86/crypto/crc32c-intel.ko
kernel/drivers/char/mem.ko
kernel/fs/ext4/ext4.ko
`;

// Debian 12's backported 6.12 kernel: the virtio core and PCI transport are built in, modules are xz-compressed.
const DEBIAN_6_12_DEP = `kernel/fs/netfs/netfs.ko.xz:
kernel/fs/9p/9p.ko.xz: kernel/net/9p/9pnet.ko.xz kernel/fs/netfs/netfs.ko.xz
kernel/net/9p/9pnet.ko.xz:
kernel/net/9p/9pnet_virtio.ko.xz: kernel/net/9p/9pnet.ko.xz kernel/fs/netfs/netfs.ko.xz
kernel/net/9p/9pnet_fd.ko.xz: kernel/net/9p/9pnet.ko.xz
`;
const DEBIAN_6_12_BUILTIN = `kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_legacy_dev.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko
kernel/drivers/virtio/virtio_pci.ko
kernel/fs/ext4/ext4.ko
`;

/** Checks the order against the index: each file after all it depends on, none twice. */
function expectLoadable(depText: string, order: string[]) {
  const dependencies = new Map(
    depText
      .trim()
      .split('\n')
      .map((line) => {
        const [file, rest] = line.split(':') as [string, string];
        return [file, rest.trim().split(/\s+/).filter(Boolean)];
      }),
  );
  expect(new Set(order).size).toBe(order.length);
  order.forEach((file, position) => {
    for (const dependency of dependencies.get(file) ?? []) {
      const at = order.indexOf(dependency);
      expect(at, `${dependency} (needed by ${file}) is loaded`).toBeGreaterThanOrEqual(0);
      expect(at, `${dependency} is loaded before ${file}`).toBeLessThan(position);
    }
  });
}

describe("a kernel's module load order", () => {
  it('names a module file as modprobe does', () => {
    expect(moduleName('kernel/net/9p/9pnet_virtio.ko.xz')).toBe('9pnet_virtio');
    expect(moduleName('kernel/fs/9p/9p.ko')).toBe('9p');
    expect(moduleName('kernel/drivers/virtio/virtio_pci.ko.zst')).toBe('virtio_pci');
    expect(moduleName('kernel/drivers/virtio/virtio_pci.ko.gz')).toBe('virtio_pci');
    expect(moduleName('kernel/arch/x86/crypto/aesni-intel.ko')).toBe('aesni_intel');
  });

  it('loads every dependency of Debian 6.1 before what needs it, each once, and nothing unasked', () => {
    const order = moduleLoadOrder(parseModuleIndex(DEBIAN_6_1_DEP, DEBIAN_6_1_BUILTIN), INITRAMFS_MODULES);
    expectLoadable(DEBIAN_6_1_DEP, order);
    expect([...order].sort()).toEqual(
      [
        'kernel/drivers/virtio/virtio.ko',
        'kernel/drivers/virtio/virtio_ring.ko',
        'kernel/drivers/virtio/virtio_pci_legacy_dev.ko',
        'kernel/drivers/virtio/virtio_pci_modern_dev.ko',
        'kernel/drivers/virtio/virtio_pci.ko',
        'kernel/net/9p/9pnet.ko',
        'kernel/net/9p/9pnet_virtio.ko',
        'kernel/fs/netfs/netfs.ko',
        'kernel/fs/fscache/fscache.ko',
        'kernel/fs/9p/9p.ko',
      ].sort(),
    );
  });

  it('keeps the wanted order where dependencies allow: virtio_pci is ready before 9pnet_virtio, 9p last', () => {
    const order = moduleLoadOrder(parseModuleIndex(DEBIAN_6_1_DEP, DEBIAN_6_1_BUILTIN), INITRAMFS_MODULES);
    expect(order.indexOf('kernel/drivers/virtio/virtio_pci.ko')).toBeLessThan(order.indexOf('kernel/net/9p/9pnet_virtio.ko'));
    expect(order.at(-1)).toBe('kernel/fs/9p/9p.ko');
  });

  it('skips what Debian 6.12 builds in and loads its .ko.xz files in dependency order', () => {
    const order = moduleLoadOrder(parseModuleIndex(DEBIAN_6_12_DEP, DEBIAN_6_12_BUILTIN), INITRAMFS_MODULES);
    expectLoadable(DEBIAN_6_12_DEP, order);
    expect(order).not.toContain('kernel/drivers/virtio/virtio_pci.ko');
    expect(order.some((file) => file.includes('virtio_pci'))).toBe(false);
    expect([...order].sort()).toEqual(['kernel/fs/9p/9p.ko.xz', 'kernel/fs/netfs/netfs.ko.xz', 'kernel/net/9p/9pnet.ko.xz', 'kernel/net/9p/9pnet_virtio.ko.xz']);
  });

  it('needs nothing for a wanted module that is built in', () => {
    expect(moduleLoadOrder(parseModuleIndex(DEBIAN_6_12_DEP, DEBIAN_6_12_BUILTIN), ['virtio_pci'])).toEqual([]);
  });

  it('matches a name spelt with - to the module file spelt with _, and the other way round', () => {
    const index = parseModuleIndex(DEBIAN_6_1_DEP, DEBIAN_6_1_BUILTIN);
    expect(moduleLoadOrder(index, ['9pnet-virtio'])).toEqual(moduleLoadOrder(index, ['9pnet_virtio']));
    expect(moduleLoadOrder(index, ['9pnet-virtio']).at(-1)).toBe('kernel/net/9p/9pnet_virtio.ko');
    // aesni-intel.ko is known to modprobe as aesni_intel.
    expect(moduleLoadOrder(parseModuleIndex('kernel/arch/x86/crypto/aesni-intel.ko:\n', ''), ['aesni_intel'])).toEqual(['kernel/arch/x86/crypto/aesni-intel.ko']);
    // A built-in module listed with '-' is known by its '_' name.
    expect(moduleLoadOrder(parseModuleIndex('', 'kernel/arch/x86/crypto/crc32c-intel.ko\n'), ['crc32c_intel'])).toEqual([]);
  });

  it('throws MissingModuleError naming a wanted module the kernel has in neither form', () => {
    const index = parseModuleIndex(DEBIAN_6_12_DEP, '');
    expect(() => moduleLoadOrder(index, INITRAMFS_MODULES)).toThrow(MissingModuleError);
    expect(() => moduleLoadOrder(index, INITRAMFS_MODULES)).toThrow(/no module virtio_pci\b/);
    expect(() => moduleLoadOrder(index, ['virtio_pci'])).not.toThrow(/needed by/);
  });

  it('names the module that needed a missing dependency', () => {
    const index = parseModuleIndex('kernel/fs/9p/9p.ko.xz: kernel/net/9p/9pnet.ko.xz kernel/fs/netfs/netfs.ko.xz\nkernel/net/9p/9pnet.ko.xz:\n', '');
    let error: unknown;
    try {
      moduleLoadOrder(index, ['9p']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingModuleError);
    expect((error as Error).name).toBe('MissingModuleError');
    expect((error as Error).message).toMatch(/no module netfs \(needed by 9p\)/);
  });

  it('ignores blank lines and lines without a colon', () => {
    const index = parseModuleIndex(`\n# not a module line\n${DEBIAN_6_12_DEP}\n\n`, `\n${DEBIAN_6_12_BUILTIN}\n`);
    expect(index.modules.size).toBe(5);
    expect(index.modules.get('9pnet_virtio')).toEqual({ file: 'kernel/net/9p/9pnet_virtio.ko.xz', dependencies: ['kernel/net/9p/9pnet.ko.xz', 'kernel/fs/netfs/netfs.ko.xz'] });
    expect(index.builtin.has('virtio_pci')).toBe(true);
  });
});
