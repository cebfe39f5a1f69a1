#!/usr/bin/env bash
# Runs the web app, a Celery worker and Celery beat side by side; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
mkdir -p var/broker/out var/broker/processed

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$BIN/celery" -A config worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" &
pids+=($!)
"$BIN/celery" -A config beat --loglevel=INFO &
pids+=($!)
"$BIN/python" manage.py runserver "0.0.0.0:$PORT" --noreload &
pids+=($!)

cat <<MSG

  党建组织生活管理平台 is running at http://127.0.0.1:$PORT/
  API docs: http://127.0.0.1:$PORT/api/docs/      Django admin: http://127.0.0.1:$PORT/admin/
  Demo logins (password demo12345):
    dc_admin  dc_reviewer  dc_secretary  dc_inspector  dc_member   (东城区委)
    hx_admin  hx_reviewer  hx_secretary  hx_inspector  hx_member   (华星集团党委)
    admin (platform operator, Django admin only)
  Database: ${DATABASE_URL:-SQLite var/db.sqlite3}   Broker: ${REDIS_URL:-file system var/broker}
  Press Ctrl-C to stop the web app, the worker and beat.

MSG
wait -n "${pids[@]}"
