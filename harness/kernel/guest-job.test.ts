import { describe, expect, it } from 'vitest';
import { encodeCommand, pathsHiddenByGuestTmp } from './guest-job.js';

describe('preparing a guest job', () => {
  it("links entries directly in /tmp and mounts deeper folders, leaving the guest's /tmp its own", () => {
    expect(pathsHiddenByGuestTmp(['/work/main', '/tmp/topology.yaml', '/tmp/clone/fixtures/seed.yaml', '/tmp/clone', '/var/tmp/x'])).toEqual({
      folders: ['/tmp/clone/fixtures/seed.yaml'],
      tmpEntries: ['topology.yaml', 'clone'],
    });
  });

  it('encodes the environment and argv NUL-separated, behind a fixed status recorder, with no shell parsing of the argv', () => {
    const encoded = encodeCommand(['printf', '%s', '$(id); rm -rf /'], { HOME: '/tmp/home' }, '/x/exit-status');
    expect(encoded.split('\0')).toEqual([
      'HOME=/tmp/home',
      '/bin/sh',
      '-c',
      'status_file=$1; shift; "$@"; echo $? > "$status_file"',
      'lvs-harness-guest',
      '/x/exit-status',
      'printf',
      '%s',
      '$(id); rm -rf /',
      '',
    ]);
  });

  it('refuses a NUL byte, which could split an argument', () => {
    expect(() => encodeCommand(['echo', 'a\0b'], {}, '/x')).toThrow('contains a NUL byte');
  });
});
