# shellcheck shell=bash
# Sourced by scripts/stack: the commands (up, down, status, logs, env, reset, registry-run, stop|start <part>).
init_home() {
  mkdir -p "$RUN" "$LOGS" "$CACHE"
  # keep the whole state dir out of git even if the repo's .gitignore lacks it
  [[ -f "$MITTR_HOME/.gitignore" ]] || echo '*' >"$MITTR_HOME/.gitignore"
}

# one `up`/`down` at a time (several shells or test runs may call `up` at once)
take_lock() {
  # global, not per $MITTR_HOME: the ports are global
  exec 9>"${STACK_LOCK:-/tmp/mittr-stack.$(id -u).lock}"
  if ! flock -n 9; then
    log "another scripts/stack up/down is running; waiting for it"
    flock -w 900 9 || die "timed out waiting for the stack lock"
  fi
}

cmd_up() {
  local t0 kp rp fail=0
  t0=$(now)
  init_home
  take_lock
  command -v curl >/dev/null || apt_install curl
  rm -f "$RUN"/*.elapsed
  pg_up
  ensure_java
  # Kafka and the registry in parallel (the registry only needs Postgres)
  kafka_up & kp=$!
  registry_up & rp=$!
  wait "$kp" || fail=1
  wait "$rp" || fail=1
  ((fail == 0)) || die "stack up failed (logs in $LOGS; \`scripts/stack down\` stops what was started)"
  printf '[stack] up in %ss: postgres %ss, kafka %ss, registry %ss\n' "$(($(now) - t0))" \
    "$(cat "$RUN/postgres.elapsed")" "$(cat "$RUN/kafka.elapsed")" "$(cat "$RUN/registry.elapsed")"
  cmd_env | sed 's/^/[stack]   /'
}

# The registry and Kafka stop side by side (each waits for its own process to go).
stop_java_parts() {
  registry_down & local rp=$!
  kafka_down & local kp=$!
  wait "$rp" || true
  wait "$kp" || true
}

cmd_down() {
  init_home
  take_lock
  stop_java_parts
  pg_down
}

cmd_status() {
  local pid rc=0
  init_home
  if pg_ready; then
    if [[ -f "$RUN/postgres.started" ]]; then echo "postgres  up    $PG_HOST:$PG_PORT (cluster $(cat "$RUN/postgres.started"), started by stack)"
    else echo "postgres  up    $PG_HOST:$PG_PORT (not started by stack)"; fi
  else echo "postgres  down  $PG_HOST:$PG_PORT"; rc=1; fi
  if port_open "$PG_HOST" "$KAFKA_PORT"; then
    if pid="$(live_pid "$RUN/kafka.pid" kafka.Kafka)"; then echo "kafka     up    $PG_HOST:$KAFKA_PORT (pid $pid, rss $(($(ps -o rss= -p "$pid") / 1024))MB)"
    else echo "kafka     up    $PG_HOST:$KAFKA_PORT (not started by stack)"; fi
  else echo "kafka     down  $PG_HOST:$KAFKA_PORT"; rc=1; fi
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$REGISTRY_API/subjects" 2>/dev/null)" == 200 ]]; then
    if pid="$(live_pid "$RUN/registry.pid" quarkus-run.jar)"; then echo "registry  up    $REGISTRY_API (pid $pid, rss $(($(ps -o rss= -p "$pid") / 1024))MB)"
    else echo "registry  up    $REGISTRY_API (not started by stack)"; fi
  else echo "registry  down  $REGISTRY_API"; rc=1; fi
  return $rc
}

cmd_logs() {
  local part="${1:-}" files=() cl
  init_home
  case "$part" in
    "" | postgres | pg)
      cl="$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1 "-" $2; exit }')" || true
      [[ -n "$cl" && -r "/var/log/postgresql/postgresql-$cl.log" ]] && files+=("/var/log/postgresql/postgresql-$cl.log")
      ;;&
    "" | kafka) files+=("$LOGS/kafka.log") ;;&
    "" | registry) files+=("$LOGS/registry.log") ;;&
    "" | postgres | pg | kafka | registry) ;;
    *) die "unknown part '$part' (postgres|kafka|registry)" ;;
  esac
  ((${#files[@]})) || die "no log files yet"
  exec tail -n "${STACK_LOG_LINES:-50}" -F "${files[@]}"
}

cmd_env() {
  cat <<EOF
export DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DB
export KAFKA_BROKERS=$PG_HOST:$KAFKA_PORT
export SCHEMA_REGISTRY_URL=$REGISTRY_API
EOF
}

# `reset`: the state a new machine has. Every part is stopped, then emptied: the mittr database,
# the registry's storage (database mittr_registry, and those `registry-run` made) and Kafka's
# data and cluster id. Downloads (cache/, ~/.m2, apt packages) stay. A part this script did not
# start cannot be emptied by it, and is refused. Postgres is left running (it holds nothing now).
cmd_reset() {
  init_home
  take_lock
  stop_java_parts
  port_open "$PG_HOST" "$KAFKA_PORT" && die "reset: a Kafka this script did not start answers on $PG_HOST:$KAFKA_PORT"
  port_open "$PG_HOST" "$REGISTRY_PORT" && die "reset: a registry this script did not start answers on $PG_HOST:$REGISTRY_PORT"
  rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/cluster.id" "$REGISTRY_DIR"
  pg_up
  pg_tcp -d postgres <<'SQL' >/dev/null || die "reset: could not drop the mittr databases"
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database
WHERE datname = 'mittr' OR datname LIKE 'mittr\_registry%'\gexec
SQL
  log "reset: Kafka's data, the registry's storage and the mittr database are gone (downloads kept)"
}

# `registry-run <port> <management-port> <database>`: one more registry in the foreground, with
# an empty storage of its own (database <database>, made if absent), for a test that needs a
# registry nobody has written to. The stack must be up (Postgres).
cmd_registry_run() {
  local port=$1 mgmt=$2 db=$3 jar rjava
  [[ "$port" =~ ^[0-9]+$ && "$mgmt" =~ ^[0-9]+$ && "$db" =~ ^mittr_registry_[a-z0-9_]+$ ]] ||
    die "usage: $0 registry-run <port> <management-port> mittr_registry_<suffix>"
  init_home
  registry_prepare >&2
  rjava="$(registry_java)"
  jar="$(find "$APICURIO_DIR" -name quarkus-run.jar -print -quit)"
  pg_tcp -d "$PG_DB" <<SQL >/dev/null || die "registry-run: could not create database $db"
SELECT 'CREATE DATABASE $db OWNER $PG_USER' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db')\gexec
SQL
  registry_exec "$rjava" "$jar" "$port" "$mgmt" "$db" "$REGISTRY_DIR/run-$port"
}

# `stop <part>` / `start <part>`: one part alone (the chaos suite takes Kafka or Postgres away
# under load and brings it back). Only what the stack itself started is stopped.
cmd_part() { # <stop|start> <postgres|kafka|registry>
  init_home
  take_lock
  case "$1:$2" in
    stop:postgres) pg_down ;;
    stop:kafka) kafka_down ;;
    stop:registry) registry_down ;;
    start:postgres) pg_up ;;
    start:kafka) ensure_java; kafka_up ;;
    start:registry) ensure_java; registry_up ;;
    *) die "usage: $0 stop|start postgres|kafka|registry" ;;
  esac
}
