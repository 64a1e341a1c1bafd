#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 for the test suite and let the tests log in over TCP.
# Idempotent; used by `make test` (and therefore CI). Tests create and drop their own databases.
# The topology test runs a whole deployment (ten processes, each with a small pool per store) beside the
# rest of the suite, so the server is allowed 300 connections (the default is 100).
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null; then
  echo "PostgreSQL 15 is not installed (apt-get install postgresql-15); the PostgreSQL tests need it" >&2
  exit 1
fi
pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster 15 main start
wait_ready() {
  for _ in $(seq 1 50); do
    pg_isready -h 127.0.0.1 -p 5432 -q && return 0
    sleep 0.2
  done
}
wait_ready
if [ "$(id -u)" = 0 ]; then
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD '${QIANSHAO_TEST_PG_PASSWORD:-postgres}';\"" >/dev/null
  if [ "$(su postgres -c "psql -tAc 'SHOW max_connections'")" -lt 300 ]; then
    su postgres -c "psql -q -c 'ALTER SYSTEM SET max_connections = 300'" >/dev/null
    pg_ctlcluster 15 main restart
    wait_ready
  fi
fi
