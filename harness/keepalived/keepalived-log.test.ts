import { describe, expect, it } from 'vitest';
import { checkerEventOf, vrrpStateOf } from './keepalived-log.js';

const web1 = '192.168.73.110:80';

describe("reading keepalived's log", () => {
  it('tells a failed check, a removal and a re-addition of a real server apart (as keepalived 2.2.7 words them)', () => {
    expect(checkerEventOf('HTTP_CHECK on service [192.168.73.110]:tcp:80 failed after 1 retries.', web1)).toBe('check-failed');
    expect(checkerEventOf('Error connecting server [192.168.73.110]:tcp:80.', web1)).toBe('check-failed');
    expect(checkerEventOf('Removing service [192.168.73.110]:tcp:80 from VS [192.168.73.120]:tcp:80', web1)).toBe('taken-out');
    expect(checkerEventOf('Disabling service [192.168.73.110]:tcp:80 of VS [192.168.73.120]:tcp:80', web1)).toBe('taken-out');
    expect(checkerEventOf('Remote Web server [192.168.73.110]:tcp:80 succeed on service.', web1)).toBe('check-passed');
    expect(checkerEventOf('HTTP status code success to [192.168.73.110]:tcp:80 url(/)', web1)).toBe('check-passed');
    expect(checkerEventOf('Adding service [192.168.73.110]:tcp:80 to VS [192.168.73.120]:tcp:80', web1)).toBe('put-back');
    expect(checkerEventOf('Enabling service [192.168.73.110]:tcp:80 of VS [192.168.73.120]:tcp:80', web1)).toBe('put-back');
  });

  it('ignores lines about another real server, or naming the address only as the virtual server', () => {
    expect(checkerEventOf('Removing service [192.168.73.111]:tcp:80 from VS [192.168.73.120]:tcp:80', web1)).toBeUndefined();
    expect(checkerEventOf('Removing service [192.168.73.111]:tcp:80 from VS [192.168.73.120]:tcp:80', '192.168.73.120:80')).toBeUndefined();
    expect(checkerEventOf('HTTP_CHECK on service [192.168.73.110]:tcp:8080 failed after 1 retries.', web1)).toBeUndefined();
    expect(checkerEventOf('Activating healthchecker for service [192.168.73.110]:tcp:80 for VS [192.168.73.120]:tcp:80', web1)).toBeUndefined();
  });

  it('reads VRRP state changes', () => {
    expect(vrrpStateOf('(VI_51) Entering MASTER STATE')).toBe('MASTER');
    expect(vrrpStateOf('(VI_51) Entering BACKUP STATE (init)')).toBe('BACKUP');
    expect(vrrpStateOf('(VI_51) Entering FAULT STATE')).toBe('FAULT');
    expect(vrrpStateOf('(VI_51) Receive advertisement timeout')).toBeUndefined();
  });
});
