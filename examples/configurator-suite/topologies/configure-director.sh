#!/bin/sh
# Our one-shot configurator: loads the virtual service from the cluster the harness describes
# in its environment. DROP_LAST=1 is the bug it once had: the last real server left out.
set -eu
service="$LVS_HARNESS_VIP:$LVS_HARNESS_PORT"
ipvsadm -A -t "$service" -s "$LVS_HARNESS_SCHEDULER"
set -- $LVS_HARNESS_REAL_SERVERS
[ "${DROP_LAST:-0}" = 1 ] && shift_count=$(($# - 1)) || shift_count=$#
i=0
for server in "$@"; do
  i=$((i + 1))
  [ "$i" -gt "$shift_count" ] && break
  address=${server%%:*}; rest=${server#*:}; port=${rest%%:*}; rest=${rest#*:}; weight=${rest%%:*}
  ipvsadm -a -t "$service" -r "$address:$port" -i -w "$weight"
done
