// Which module files a kernel must load, in which order, for a few modules it needs before it
// has a root filesystem (the QEMU guest's virtio and 9p), read from the kernel's own
// modules.dep and modules.builtin as modprobe would. Pure.

export interface ModuleIndex {
  /** Module name (as modprobe spells it, '-' as '_') to its file and the files it depends on. */
  modules: Map<string, { file: string; dependencies: string[] }>;
  /** Names of the modules built into the kernel. */
  builtin: Set<string>;
}

/** The name modprobe knows a module file by: kernel/net/9p/9pnet_virtio.ko.xz → 9pnet_virtio. */
export function moduleName(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.ko(\.(xz|gz|zst))?$/, '').replaceAll('-', '_');
}

/** Reads modules.dep ("file: dependency files...") and modules.builtin (one file per line). */
export function parseModuleIndex(modulesDep: string, modulesBuiltin: string): ModuleIndex {
  const modules = new Map<string, { file: string; dependencies: string[] }>();
  for (const line of modulesDep.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const file = line.slice(0, colon).trim();
    const dependencies = line.slice(colon + 1).trim().split(/\s+/).filter(Boolean);
    modules.set(moduleName(file), { file, dependencies });
  }
  const builtin = new Set(modulesBuiltin.split('\n').map((line) => line.trim()).filter(Boolean).map(moduleName));
  return { modules, builtin };
}

export class MissingModuleError extends Error {
  override name = 'MissingModuleError';
}

/**
 * The module files to load, each after the ones it needs, for `wanted`; a wanted module built
 * into the kernel needs nothing. Throws naming the module the kernel has in neither form.
 */
export function moduleLoadOrder(index: ModuleIndex, wanted: readonly string[]): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const visit = (name: string, neededBy?: string) => {
    if (placed.has(name)) return;
    const entry = index.modules.get(name);
    if (!entry) {
      if (index.builtin.has(name)) return;
      throw new MissingModuleError(`the kernel has no module ${name}${neededBy ? ` (needed by ${neededBy})` : ''}, neither built in nor in modules.dep`);
    }
    placed.add(name);
    for (const dependency of entry.dependencies) visit(moduleName(dependency), name);
    order.push(entry.file);
  };
  for (const name of wanted) visit(name.replaceAll('-', '_'));
  return order;
}
