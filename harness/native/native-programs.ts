// The C programs a cluster runs: the real servers' HTTP server (harness/agents/http-server.c)
// and the build's sysctl setter (netns-sysctl.c). Both linked statically, so the copies a
// bundle carries run on another machine of the same architecture.
import { existsSync } from 'node:fs';
import { ensureNativeBuild, nativeBuildPath, type NativeBuild, type NativeProgram } from './native-build.js';

export const HTTP_SERVER: NativeProgram = {
  label: "the real servers' HTTP server",
  source: ['harness', 'agents', 'http-server.c'],
  name: 'http-server',
  flags: ['-O2', '-Wall', '-Wextra', '-static'],
};

export const NETNS_SYSCTL: NativeProgram = {
  label: "the build's sysctl setter",
  source: ['harness', 'native', 'netns-sysctl.c'],
  name: 'netns-sysctl',
  flags: ['-O2', '-Wall', '-Wextra', '-static'],
};

/** What a cluster's build runs, by the name a bundle gives each. */
export const CLUSTER_PROGRAMS: readonly NativeProgram[] = [HTTP_SERVER, NETNS_SYSCTL];

/** Builds each that is not built for its current source yet; the first that cannot be, says why. */
export async function ensureClusterPrograms(): Promise<NativeBuild[]> {
  const builds: NativeBuild[] = [];
  for (const program of CLUSTER_PROGRAMS) builds.push(await ensureNativeBuild(program));
  return builds;
}

/** Paths found, by program: a build asks once per real server, and each path hashes the source. */
const found = new Map<NativeProgram, string>();

/** The built program's path; throws, saying how to build it, when it is not built and cannot be. */
export async function builtProgram(program: NativeProgram): Promise<string> {
  const known = found.get(program);
  if (known !== undefined && existsSync(known)) return known;
  const path = nativeBuildPath(program);
  const build = existsSync(path) ? { path } : await ensureNativeBuild(program);
  if ('path' in build) {
    found.set(program, build.path);
    return build.path;
  }
  throw new Error(`${program.label} (${program.source.join('/')}) is not built and cannot be built here: ${build.unavailable}; bash scripts/setup.sh (or node scripts/build-native.mjs) builds it`);
}
