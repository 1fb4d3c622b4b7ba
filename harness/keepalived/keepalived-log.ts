// What keepalived's log lines say about a real server's health check and about VRRP state,
// so a failover can be timed from keepalived's own account (when it saw the failure, when it
// took the server out) as well as from the kernel's table. Pure.

export type CheckerEvent = 'check-failed' | 'taken-out' | 'check-passed' | 'put-back';

/**
 * The checker event a line reports for one real server (`address:port`), if any:
 *   HTTP_CHECK on service [192.168.73.110]:tcp:80 failed after 1 retries.
 *   Removing service [192.168.73.110]:tcp:80 from VS [192.168.73.120]:tcp:80     (or Disabling, with inhibit_on_failure)
 *   Remote Web server [192.168.73.110]:tcp:80 succeed on service.
 *   Adding service [192.168.73.110]:tcp:80 to VS [192.168.73.120]:tcp:80        (or Enabling)
 */
export function checkerEventOf(line: string, realServer: string): CheckerEvent | undefined {
  // The first address a line names is the one it is about ("... of VS [vip]" comes after).
  const subject = /\[([\d.]+)\]:(?:tcp|udp):(\d+)/.exec(line);
  if (!subject || `${subject[1]}:${subject[2]}` !== realServer) return undefined;
  if (/^(Removing|Disabling) service /.test(line)) return 'taken-out';
  if (/^(Adding|Enabling) service /.test(line)) return 'put-back';
  if (/\bfailed\b|\berror\b|timeout|refused/i.test(line)) return 'check-failed';
  if (/\bsucceed\b|\bsuccess\b/i.test(line)) return 'check-passed';
  return undefined;
}

export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT';

/** The VRRP state a line announces: "(VI_51) Entering MASTER STATE". */
export function vrrpStateOf(line: string): VrrpState | undefined {
  return /\) Entering (MASTER|BACKUP|FAULT) STATE/.exec(line)?.[1] as VrrpState | undefined;
}
