#!/bin/sh
# `serve` (the default) runs the bridge, which applies pending migrations before it listens.
# Anything else is a pos-bridge command: migrate, doctor, sites, bills, reconcile, backup, ...
set -e
cd "${POS_BRIDGE_HOME:-/app}"
if [ "${1:-serve}" = "serve" ]; then
  exec node dist/apps/bridge/main.js
fi
exec node apps/cli/bin/pos-bridge.js "$@"
