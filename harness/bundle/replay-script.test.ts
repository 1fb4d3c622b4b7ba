import { describe, expect, it } from 'vitest';
import { renderReplayScript, renderTeardownScript } from './replay-script.js';

describe("a bundle's scripts", () => {
  it('replays the journal in order, with stdin as here-documents and paths into the bundle', () => {
    const script = renderReplayScript(
      [
        { argv: ['ip', '-batch', '-'], input: 'netns add a\nnetns add b\n', background: false, startedAt: 0 },
        { argv: ['ip', 'netns', 'exec', 'a', '/src/dist/native/http-server-0123456789ab', '--body', "it's\n"], background: true, startedAt: 0 },
        { argv: ['nsenter', '--net=/run/netns/b', '--', '/usr/bin/node', '/src/harness/agents/client-agent.mjs'], background: true, startedAt: 0 },
        { argv: ['ip', 'netns', 'exec', 'a', 'keepalived', '--use-file', '/tmp/run-1/keepalived-lvs.conf'], background: false, startedAt: 0 },
      ],
      [
        ['/src/harness/agents/', '"$BUNDLE"/agents/'],
        ['/src/dist/native/http-server-0123456789ab', '"$BUNDLE"/native/http-server'],
      ],
      'seed',
      '/tmp/run-1',
    );
    expect(script).toBe(
      [
        '#!/bin/sh',
        '# Rebuilds the cluster "seed" exactly as lvs-harness built it, command by command.',
        '# Run as root in a kernel with ip_vs and ipip (modprobe ip_vs ipip); take it down with teardown.sh.',
        '# Lines ending in & start the servers; the harness waited for each to print "listening".',
        'set -e',
        'BUNDLE=$(cd "$(dirname "$0")" && pwd)',
        "ip -batch - <<'EOF'",
        'netns add a',
        'netns add b',
        'EOF',
        `ip netns exec a "$BUNDLE"/native/http-server --body 'it'\\''s\n' &`,
        'nsenter --net=/run/netns/b -- /usr/bin/node "$BUNDLE"/agents/client-agent.mjs &',
        'ip netns exec a keepalived --use-file "$BUNDLE"/logs/keepalived-lvs.conf',
        '',
      ].join('\n'),
    );
  });

  it('tears down by killing what runs in each namespace, then deleting it', () => {
    expect(renderTeardownScript(['lvsh-1-a', 'lvsh-1-b'])).toContain('for ns in lvsh-1-a lvsh-1-b; do');
  });
});
