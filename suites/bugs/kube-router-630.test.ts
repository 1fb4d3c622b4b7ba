// kube-router #630 (fixtures/bugs/kube-router-630.yaml): 1500-byte links everywhere, the
// director's "fragmentation needed" lost. Symptom: small requests work, an upload stalls, its
// full-size segments too big for the tunnel. Fix: the real servers clamp the MSS they announce
// to 1440, and the same upload arrives whole.
import { describe, expect, it } from 'vitest';
import { loadBugReport } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';

const UPLOAD_BYTES = 64 * 1024;

describe('kube-router#630: bulk TCP over IP-in-IP stalls without MSS clamping', () => {
  const cluster = useCluster(() => loadBugReport('kube-router-630'));

  it('shows the symptom: GETs are answered, an upload of 64 KiB gets no answer', async () => {
    const small = await cluster().request({ count: 2 });
    expect(small.map((outcome) => outcome.ok)).toEqual([true, true]);
    const [upload] = await cluster().request({ count: 1, uploadBytes: UPLOAD_BYTES, timeoutMs: 3_000 });
    expect(upload!.ok).toBe(false);
    expect(upload!.error).toMatch(/Timeout|TIMEOUT/);
  });

  it('is gone with the fix: with the MSS clamped to 1440 on the real servers, uploads arrive whole', async () => {
    for (const server of ['web1', 'web2']) {
      await cluster().exec(server, ['iptables-legacy', '-t', 'mangle', '-A', 'OUTPUT', '-p', 'tcp', '--tcp-flags', 'SYN,RST', 'SYN', '-j', 'TCPMSS', '--set-mss', '1440']);
    }
    const uploads = await cluster().request({ count: 2, uploadBytes: UPLOAD_BYTES, timeoutMs: 5_000 });
    expect(uploads.map((outcome) => [outcome.ok, outcome.receivedBytes])).toEqual([
      [true, UPLOAD_BYTES],
      [true, UPLOAD_BYTES],
    ]);
  });
});
