# Sourced: installs npm dependencies with the project's Node when node_modules is missing or stale.
_lock="$(dirname "${BASH_SOURCE[0]}")/../package-lock.json"
_stamp="$(dirname "${BASH_SOURCE[0]}")/../node_modules/.package-lock.json"
if [ ! -f "$_stamp" ] || [ "$_lock" -nt "$_stamp" ]; then
  echo "mittr: installing npm dependencies (npm ci)" >&2
  (cd "$(dirname "$_lock")" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
unset _lock _stamp
