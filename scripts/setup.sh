#!/usr/bin/env bash
# Installs what lvs-harness needs, and only what is missing: Debian's packages (the real
# tools and the User-Mode Linux kernel), the npm packages (npm ci) and the compiled CLI.
# Idempotent: a second run installs nothing. Quiet line by line when not on a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

# util-linux: nsenter, how the harness runs its own tools in a namespace.
# nftables and iptables: the isolation suite reads the root namespace's rulesets with them.
# gcc and libc6-dev: the ptrace fix preloaded into User-Mode Linux (harness/kernel/uml-xstate-fix.c)
# and the real servers' HTTP server, linked statically (harness/agents/http-server.c).
# qemu-system-x86 and busybox-static: the QEMU backend (a distro kernel in a VM; busybox is its initramfs).
PACKAGES=(iproute2 util-linux ipvsadm tcpdump keepalived user-mode-linux kmod procps nftables iptables gcc libc6-dev qemu-system-x86 busybox-static)
log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || die "Node.js is not installed (20 or newer is needed)"
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: 20 or newer is needed"

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "Debian packages missing (${missing[*]}) and not root: run as root, or apt-get install -y ${missing[*]}"
  command -v apt-get >/dev/null || die "Debian packages missing (${missing[*]}) and no apt-get: install them by hand"
  log "installing Debian packages: ${missing[*]}"
  apt_log=$(mktemp /var/tmp/lvs-harness-apt.XXXXXX)
  # Debian's keepalived service starts only with an /etc/keepalived/keepalived.conf, so installing
  # it starts nothing on the host: the harness runs its own, inside a director's namespace.
  if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "apt-get failed; the full log is $apt_log"
  fi
  rm -f "$apt_log"
else
  log "Debian packages present: ${PACKAGES[*]}"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2
else
  log "npm packages present"
fi

log "compiling the CLI (tsc, then one bundled file: scripts/bundle-cli.mjs)"
npx --no-install tsc -p tsconfig.json >&2
node scripts/bundle-cli.mjs

# The ptrace fix (without it, User-Mode Linux dies at init on CPUs with AMX; harmless on the
# others) and the real servers' HTTP server.
node scripts/build-native.mjs
