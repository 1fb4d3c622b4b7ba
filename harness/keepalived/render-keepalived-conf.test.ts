import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTopologyFile, validateTopologyData } from '../topology/load-topology.js';
import { renderKeepalivedConf, vrrpMaster } from './render-keepalived-conf.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/topologies/${name}`, import.meta.url));

const base = {
  segment: { subnet: '192.168.73.0/24' },
  hosts: {
    client: { role: 'client', address: '192.168.73.50' },
    lvs: { role: 'director', address: '192.168.73.100' },
    web1: { role: 'real-server', address: '192.168.73.110' },
    web2: { role: 'real-server', address: '192.168.73.111' },
  },
};

describe("rendering a director's keepalived.conf", () => {
  it('renders the seed under keepalived: a TUN virtual server, each real server weighted and HTTP-checked', async () => {
    const topology = await loadTopologyFile(fixture('seed-keepalived.yaml'));
    expect(renderKeepalivedConf(topology, 'lvs', 'eth0')).toBe(`# keepalived.conf of director lvs (192.168.73.100), topology seed-keepalived, written by lvs-harness
global_defs {
  router_id lvs
}

virtual_server 192.168.73.120 80 {
  delay_loop 1
  lb_algo rr
  lb_kind TUN
  protocol TCP
  real_server 192.168.73.110 80 {
    weight 1
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 1
      retry 1
      delay_before_retry 1
    }
  }
  real_server 192.168.73.111 80 {
    weight 1
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 1
      retry 1
      delay_before_retry 1
    }
  }
}
`);
  });

  it('takes the topology\'s intervals, weights, scheduler, persistence and inhibit_on_failure', () => {
    const topology = validateTopologyData({
      ...base,
      service: {
        vip: '192.168.73.120',
        port: 8080,
        scheduler: 'wrr',
        persistence: 30,
        rulesFrom: 'keepalived',
        inhibitOnFailure: true,
        healthCheck: { path: '/health', statusCode: 204, delayLoop: 0.5, connectTimeout: 0.3, retry: 2, delayBeforeRetry: 0.2 },
        realServers: [{ host: 'web1', weight: 3 }, { host: 'web2', weight: 0 }],
      },
    });
    const conf = renderKeepalivedConf(topology, 'lvs', 'eth0');
    expect(conf).toContain('virtual_server 192.168.73.120 8080 {\n  delay_loop 0.5\n  lb_algo wrr\n  lb_kind TUN\n  protocol TCP\n  persistence_timeout 30\n');
    expect(conf).toContain('  real_server 192.168.73.110 8080 {\n    weight 3\n    inhibit_on_failure\n    HTTP_GET {\n      url {\n        path /health\n        status_code 204\n');
    expect(conf).toContain('      connect_timeout 0.3\n      retry 2\n      delay_before_retry 0.2\n');
    expect(conf).toContain('  real_server 192.168.73.111 8080 {\n    weight 0\n');
    expect(conf).not.toContain('vrrp_instance');
  });

  it('renders no checker at all with healthCheck type none: keepalived then keeps every real server', () => {
    const topology = validateTopologyData({
      ...base,
      service: { vip: '192.168.73.120', rulesFrom: 'keepalived', healthCheck: { type: 'none' }, realServers: [{ host: 'web1' }, { host: 'web2' }] },
    });
    const conf = renderKeepalivedConf(topology, 'lvs', 'eth0');
    expect(conf).not.toMatch(/HTTP_GET|TCP_CHECK|inhibit_on_failure/);
    expect(conf).toContain('  real_server 192.168.73.110 80 {\n    weight 1\n  }\n');
  });

  it('maps direct routing and NAT to lb_kind DR and NAT', () => {
    for (const [forwarding, kind] of [['direct-routing', 'DR'], ['nat', 'NAT']] as const) {
      const topology = validateTopologyData({
        ...base,
        service: { vip: '192.168.73.120', rulesFrom: 'keepalived', realServers: [{ host: 'web1', forwarding }, { host: 'web2', forwarding }] },
      });
      expect(renderKeepalivedConf(topology, 'lvs', 'eth0')).toContain(`  lb_kind ${kind}\n`);
    }
  });

  it('gives the master state MASTER and its priority, the backup state BACKUP, both the VIP as /32 on the uplink', async () => {
    const topology = await loadTopologyFile(fixture('seed-vrrp.yaml'));
    expect(vrrpMaster(topology).name).toBe('lvs1');
    const master = renderKeepalivedConf(topology, 'lvs1', 'eth0');
    expect(master).toContain(`vrrp_instance VI_51 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress {
    192.168.73.120/32 dev eth0
  }
}
`);
    const backup = renderKeepalivedConf(topology, 'lvs2', 'eth0');
    expect(backup).toContain('  state BACKUP\n');
    expect(backup).toContain('  priority 100\n');
    expect(backup).toContain('  router_id lvs2\n');
    // Both directors load the same virtual service, so the backup is ready to forward.
    const virtualServer = (conf: string) => conf.slice(conf.indexOf('virtual_server'));
    expect(virtualServer(backup)).toBe(virtualServer(master));
  });

  it('makes the highest priority the master wherever it is listed', () => {
    const topology = validateTopologyData({
      ...base,
      hosts: { ...base.hosts, lvs: { role: 'director', address: '192.168.73.100', vrrpPriority: 90 }, lvs9: { role: 'director', address: '192.168.73.109', vrrpPriority: 200 } },
      service: { vip: '192.168.73.120', rulesFrom: 'keepalived', vrrp: { virtualRouterId: 7, advertInterval: 0.5 }, realServers: [{ host: 'web1' }] },
    });
    expect(vrrpMaster(topology).name).toBe('lvs9');
    expect(renderKeepalivedConf(topology, 'lvs9', 'eth0')).toMatch(/vrrp_instance VI_7 \{\n  state MASTER\n[\s\S]*  virtual_router_id 7\n  priority 200\n  advert_int 0.5\n/);
    expect(renderKeepalivedConf(topology, 'lvs', 'eth0')).toContain('  state BACKUP\n');
  });

  it('refuses a host that is not a director, and a topology whose rules do not come from keepalived', async () => {
    const keepalived = await loadTopologyFile(fixture('seed-keepalived.yaml'));
    expect(() => renderKeepalivedConf(keepalived, 'web1', 'eth0')).toThrow('web1 is a real-server, not a director');
    const seed = await loadTopologyFile(fixture('seed-tun.yaml'));
    expect(() => renderKeepalivedConf(seed, 'lvs', 'eth0')).toThrow('takes its rules from ipvsadm-restore, not keepalived');
  });

  it('renders a UDP service with ops, the idle timeouts as lvs_timeouts and the sync daemon on the VRRP instance', () => {
    const topology = validateTopologyData({
      ...base,
      hosts: { ...base.hosts, lvs2: { role: 'director', address: '192.168.73.101' } },
      service: {
        vip: '192.168.73.120',
        port: 53,
        protocol: 'udp',
        onePacket: true,
        timeouts: { tcp: 30, udp: 10 },
        rulesFrom: 'keepalived',
        vrrp: { virtualRouterId: 9, syncDaemon: true },
        realServers: [{ host: 'web1' }],
      },
    });
    const conf = renderKeepalivedConf(topology, 'lvs', 'eth0');
    expect(conf).toContain('global_defs {\n  router_id lvs\n  lvs_timeouts tcp 30 udp 10\n  lvs_sync_daemon eth0 VI_9\n}\n');
    expect(conf).toMatch(/virtual_server 192\.168\.73\.120 53 \{\n[\s\S]*  protocol UDP\n  ops\n/);
    // The real servers answer keepalived's HTTP check over TCP on the same port.
    expect(conf).toContain('  real_server 192.168.73.110 53 {');
    const gue = validateTopologyData({ ...base, service: { vip: '192.168.73.120', rulesFrom: 'keepalived', tunnel: { type: 'gue', port: 6080, checksum: 'csum' }, realServers: [{ host: 'web1' }] } });
    expect(renderKeepalivedConf(gue, 'lvs', 'eth0')).toContain('  lvs_method TUN type gue port 6080 csum\n');
    const gre = validateTopologyData({ ...base, service: { vip: '192.168.73.120', rulesFrom: 'keepalived', tunnel: { type: 'gre' }, realServers: [{ host: 'web1' }] } });
    expect(renderKeepalivedConf(gre, 'lvs', 'eth0')).toContain('  lvs_method TUN type gre nocsum\n');
    const plain = renderKeepalivedConf(validateTopologyData({ ...base, service: { vip: '192.168.73.120', rulesFrom: 'keepalived', realServers: [{ host: 'web1' }] } }), 'lvs', 'eth0');
    expect(plain).not.toMatch(/lvs_timeouts|lvs_sync_daemon|\bops\b/);
  });
});
