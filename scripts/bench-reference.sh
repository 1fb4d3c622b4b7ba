#!/bin/bash
# The reference the build benchmark compares with (issue: "a cluster in a third of the time a
# shell script takes"): the seed walkthrough's LVS-TUN cluster typed one command at a time, as
# a person would type them: namespaces, a bridge, veth pairs, addresses, the VIP, tunl0, the
# sysctls and `ipvsadm -A/-a`; no HTTP servers. It must run where clusters are built (the host
# kernel, or inside the guest: `lvs-harness run -- bash scripts/bench-reference.sh`).
# Prints `build_ms=N` (build only) and removes everything it made, also on error or signal.
# Its namespaces carry an 8-hex run id like the harness's, so `lvs-harness gc` removes them
# should it die before its own cleanup.
set -eu
id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
prefix="lvsh-$id-"
lan="${prefix}-lan"
hosts="client lvs web1 web2"
cleanup() {
  for name in $hosts; do ip netns del "$prefix$name" 2>/dev/null || true; done
  ip netns del "$lan" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
started=$(now_ms)

ip netns add "$lan"
ip -n "$lan" link add br0 type bridge
ip -n "$lan" link set br0 up
address_of() { case $1 in client) echo 50 ;; lvs) echo 100 ;; web1) echo 110 ;; web2) echo 111 ;; esac; }
for name in $hosts; do
  ns="$prefix$name"
  ip netns add "$ns"
  ip -n "$lan" link add "v-$name" type veth peer name eth0 netns "$ns"
  ip -n "$lan" link set "v-$name" master br0
  ip -n "$lan" link set "v-$name" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "192.168.73.$(address_of "$name")/24" dev eth0
  ip -n "$ns" link set eth0 up
done

# The director: the VIP on its uplink, forwarding on, no redirects, the virtual service.
lvs="${prefix}lvs"
ip -n "$lvs" addr add 192.168.73.120/32 dev eth0
ip netns exec "$lvs" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$lvs" sysctl -q -w net.ipv4.conf.all.send_redirects=0
ip netns exec "$lvs" sysctl -q -w net.ipv4.conf.default.send_redirects=0
ip netns exec "$lvs" sysctl -q -w net.ipv4.conf.eth0.send_redirects=0
ip netns exec "$lvs" ipvsadm -A -t 192.168.73.120:80 -s rr
ip netns exec "$lvs" ipvsadm -a -t 192.168.73.120:80 -r 192.168.73.110:80 -i -w 1
ip netns exec "$lvs" ipvsadm -a -t 192.168.73.120:80 -r 192.168.73.111:80 -i -w 1

# The real servers: the VIP on tunl0, ARP for it left to the director, no reverse-path filter.
for name in web1 web2; do
  ns="$prefix$name"
  ip -n "$ns" link set tunl0 up
  ip -n "$ns" addr add 192.168.73.120/32 dev tunl0
  for key in all.arp_ignore=1 all.arp_announce=2 lo.arp_ignore=1 lo.arp_announce=2 eth0.arp_ignore=1 eth0.arp_announce=2 \
    all.rp_filter=0 default.rp_filter=0 eth0.rp_filter=0 tunl0.rp_filter=0; do
    ip netns exec "$ns" sysctl -q -w "net.ipv4.conf.$key"
  done
done

echo "build_ms=$(( $(now_ms) - started ))"
