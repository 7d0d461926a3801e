# Sourced: installs npm dependencies with the project's Node when node_modules is missing or stale.
_lock="$(dirname "${BASH_SOURCE[0]}")/../package-lock.json"
_modules="$(dirname "${BASH_SOURCE[0]}")/../node_modules"
_stamp="$_modules/.package-lock.json"
if [ -L "$_modules" ]; then
  # A checkout that borrows another's node_modules (a git worktree's link): `npm ci` here would
  # empty the other checkout's through the link. Used as it is; a stale one is the linker's to refresh.
  if [ "$_lock" -nt "$_stamp" ]; then
    echo "mittr: node_modules is a link to $(readlink "$_modules"), older than this package-lock.json; not reinstalling through it (run npm ci there, or remove the link)" >&2
  fi
elif [ ! -f "$_stamp" ] || [ "$_lock" -nt "$_stamp" ]; then
  echo "mittr: installing npm dependencies (npm ci)" >&2
  (cd "$(dirname "$_lock")" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
unset _lock _modules _stamp
