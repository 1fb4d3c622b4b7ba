import { describe, expect, it } from 'vitest';
import { explainConfigProblems, keepalivedArgv, keepalivedConfigTestArgv, keepalivedFiles, withoutLogDate } from './keepalived-command.js';

describe('the keepalived command', () => {
  it('keeps every file of a director in the run folder, named after the director', () => {
    expect(keepalivedFiles('/tmp/run', 'lvs2')).toEqual({
      config: '/tmp/run/keepalived-lvs2.conf',
      pid: '/tmp/run/keepalived-lvs2.pid',
      vrrpPid: '/tmp/run/keepalived-lvs2-vrrp.pid',
      checkersPid: '/tmp/run/keepalived-lvs2-checkers.pid',
      log: '/tmp/run/keepalived-lvs2.log',
    });
  });

  it('runs in the foreground, logs to the console, and uses only its own pid files', () => {
    const argv = keepalivedArgv(keepalivedFiles('/tmp/run', 'lvs'));
    expect(argv).toEqual([
      'keepalived', '--dont-fork', '--log-console', '--log-detail', '--no-syslog',
      '--use-file', '/tmp/run/keepalived-lvs.conf',
      '--pid', '/tmp/run/keepalived-lvs.pid',
      '--vrrp_pid', '/tmp/run/keepalived-lvs-vrrp.pid',
      '--checkers_pid', '/tmp/run/keepalived-lvs-checkers.pid',
    ]);
    expect(keepalivedConfigTestArgv(keepalivedFiles('/tmp/run', 'lvs'))).toEqual(['keepalived', '--config-test', '--use-file', '/tmp/run/keepalived-lvs.conf']);
  });

  it("drops the date keepalived puts before each console line", () => {
    expect(withoutLogDate('Wed Nov 25 15:18:58 2026: Removing service [192.168.73.110]:tcp:80 from VS [192.168.73.120]:tcp:80')).toBe(
      'Removing service [192.168.73.110]:tcp:80 from VS [192.168.73.120]:tcp:80',
    );
    expect(withoutLogDate('Thu Jan  1 00:00:00 2026: Stopping')).toBe('Stopping');
    expect(withoutLogDate('no date here')).toBe('no date here');
  });

  it("quotes the configuration line each of keepalived's complaints names", () => {
    const config = 'global_defs {\n  router_id lvs\n}\nvirtual_server 192.168.73.120 80 {\n  bogus_keyword 3\n}\n';
    const output = "(/tmp/run/keepalived-lvs.conf: Line 5) Unknown keyword 'bogus_keyword'\nThere are 1 missing '}'s or extra '{'s\n";
    expect(explainConfigProblems(output, config)).toBe(
      "(/tmp/run/keepalived-lvs.conf: Line 5) Unknown keyword 'bogus_keyword'\n    line 5: bogus_keyword 3\nThere are 1 missing '}'s or extra '{'s",
    );
  });
});
