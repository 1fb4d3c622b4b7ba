// The real servers' HTTP server (harness/agents/http-server.c) as a native program: linked
// statically, so the copy a bundle carries runs on another machine of the same architecture.
import { existsSync } from 'node:fs';
import { ensureNativeBuild, nativeBuildPath, type NativeBuild, type NativeProgram } from './native-build.js';

export const HTTP_SERVER: NativeProgram = {
  label: "the real servers' HTTP server",
  source: ['harness', 'agents', 'http-server.c'],
  name: 'http-server',
  flags: ['-O2', '-Wall', '-Wextra', '-static'],
};

/** Builds it if this source has not been built yet. */
export function ensureHttpServer(): Promise<NativeBuild> {
  return ensureNativeBuild(HTTP_SERVER);
}

/** The built server's path; throws, saying how to build it, when it is not built and cannot be. */
export async function httpServerBinary(): Promise<string> {
  const path = nativeBuildPath(HTTP_SERVER);
  if (existsSync(path)) return path;
  const build = await ensureHttpServer();
  if ('path' in build) return build.path;
  throw new Error(`${HTTP_SERVER.label} (${HTTP_SERVER.source.join('/')}) is not built and cannot be built here: ${build.unavailable}; bash scripts/setup.sh (or node scripts/build-native.mjs) builds it`);
}
