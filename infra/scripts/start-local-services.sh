#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the test suite uses, where they are installed but stopped.
set -euo pipefail
if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
echo "PostgreSQL and Redis answer on 127.0.0.1"
