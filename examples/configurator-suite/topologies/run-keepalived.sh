#!/bin/sh
# keepalived as we deploy it: foreground, our own keepalived.conf (KEEPALIVED_CONF picks one).
exec keepalived --dont-fork --log-console --no-syslog --use-file "$KEEPALIVED_CONF" \
  --pid "$LVS_HARNESS_RUN_DIR/keepalived.pid" --vrrp_pid "$LVS_HARNESS_RUN_DIR/vrrp.pid" \
  --checkers_pid "$LVS_HARNESS_RUN_DIR/checkers.pid"
