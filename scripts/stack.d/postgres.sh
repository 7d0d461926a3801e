# shellcheck shell=bash
# Sourced by scripts/stack: the Debian Postgres cluster on 127.0.0.1:5432, its role and databases.
pg_cluster() { # prints "<ver> <name>" of the Debian cluster on port 5432
  pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }'
}
# fd 9 holds the stack lock: never let a long-lived server inherit it
pg_ctl_cluster() { as_root pg_ctlcluster --skip-systemctl-redirect "$@" 9>&-; }
pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
pg_tcp() { # psql over TCP as mittr; extra args follow
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -At -v ON_ERROR_STOP=1 \
    -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"
}

pg_ensure_role_and_dbs_local() { # via the postgres superuser on the local socket
  as_postgres psql -X -q -At -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres <<SQL >/dev/null
SELECT 'CREATE ROLE $PG_USER' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER')\gexec
ALTER ROLE $PG_USER WITH LOGIN SUPERUSER CREATEDB PASSWORD '$PG_PASSWORD';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB')\gexec
SELECT 'CREATE DATABASE $PG_REGISTRY_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_REGISTRY_DB')\gexec
SQL
}

pg_ensure_hba() { # a password (or trust) host line for 127.0.0.1 must exist
  local ver=$1 name=$2 hba
  hba="/etc/postgresql/$ver/$name/pg_hba.conf"
  [[ -r "$hba" ]] || { warn "cannot read $hba"; return 0; }
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+(all|[^[:space:]]*mittr[^[:space:]]*)[[:space:]]+(all|[^[:space:]]*mittr[^[:space:]]*)[[:space:]]+(127\.0\.0\.1/32|127\.0\.0\.0/8|samehost)[[:space:]]+(md5|scram-sha-256|password|trust)' "$hba"; then
    log "postgres: adding 'host all all 127.0.0.1/32 scram-sha-256' to $hba"
    as_root sh -c "printf '%s\n' '# added by mittr scripts/stack' 'host all all 127.0.0.1/32 scram-sha-256' >>'$hba'"
    as_postgres psql -X -q -p "$PG_PORT" -c 'select pg_reload_conf()' >/dev/null
  fi
}

pg_up() {
  local t0 cl ver name i
  t0=$(now)
  if pg_ready; then
    if [[ -f "$RUN/postgres.started" ]]; then log "postgres: already up (started by us)"
    else log "postgres: something already answers on $PG_HOST:$PG_PORT, reusing it"; fi
  else
    if ! command -v pg_lsclusters >/dev/null || ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
      apt_install postgresql
    fi
    cl="$(pg_cluster)"
    if [[ -z "$cl" ]]; then
      ver="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
      name=main
      if pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main"' | grep -q .; then name=mittr; fi
      log "postgres: creating cluster $ver $name on port $PG_PORT"
      as_root pg_createcluster -p "$PG_PORT" "$ver" "$name" >/dev/null
      cl="$ver $name"
    fi
    read -r ver name <<<"$cl"
    if pg_lsclusters -h | awk -v v="$ver" -v n="$name" '$1 == v && $2 == n && $4 == "online"' | grep -q .; then
      log "postgres: cluster $ver $name is starting (apt's postinst may start it)"
    else
      log "postgres: starting cluster $ver $name"
      pg_ctl_cluster "$ver" "$name" start ||
        die_log "postgres: pg_ctlcluster start failed" "/var/log/postgresql/postgresql-$ver-$name.log"
    fi
    echo "$ver $name" >"$RUN/postgres.started"
    for ((i = 0; i < WAIT_SECS * 2; i++)); do pg_ready && break; sleep 0.5; done
    pg_ready || die_log "postgres: not ready on $PG_HOST:$PG_PORT after ${WAIT_SECS}s" \
      "/var/log/postgresql/postgresql-$ver-$name.log"
  fi

  # role, databases, hba: via the local postgres superuser when the cluster is a local Debian one
  cl="$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p && $4 == "online" { print $1, $2; exit }')"
  if [[ -n "$cl" ]]; then
    read -r ver name <<<"$cl"
    pg_ensure_role_and_dbs_local
    pg_ensure_hba "$ver" "$name"
  elif pg_tcp -d "$PG_DB" -c 'select 1' >/dev/null 2>&1; then
    pg_tcp -d "$PG_DB" <<SQL >/dev/null || warn "postgres: could not create database $PG_REGISTRY_DB as $PG_USER"
SELECT 'CREATE DATABASE $PG_REGISTRY_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_REGISTRY_DB')\gexec
SQL
  else
    die "postgres on $PG_HOST:$PG_PORT is not ours and refuses $PG_USER/$PG_PASSWORD; create role $PG_USER (password $PG_PASSWORD) and databases $PG_DB, $PG_REGISTRY_DB there"
  fi

  # max_connections (tests open many pools)
  local maxc
  maxc="$(pg_tcp -d "$PG_DB" -c 'show max_connections')" || die "postgres: TCP login as $PG_USER failed on $PG_HOST:$PG_PORT"
  if ((maxc < PG_MIN_CONNECTIONS)); then
    if [[ -f "$RUN/postgres.started" ]]; then
      read -r ver name <"$RUN/postgres.started"
      log "postgres: raising max_connections $maxc -> $PG_MIN_CONNECTIONS (restart)"
      pg_tcp -d "$PG_DB" -c "ALTER SYSTEM SET max_connections = $PG_MIN_CONNECTIONS" >/dev/null
      pg_ctl_cluster "$ver" "$name" restart ||
        die_log "postgres: restart failed" "/var/log/postgresql/postgresql-$ver-$name.log"
      for ((i = 0; i < WAIT_SECS * 2; i++)); do pg_ready && break; sleep 0.5; done
      pg_ready || die "postgres: not ready after restart"
    else
      warn "postgres: max_connections is $maxc (< $PG_MIN_CONNECTIONS) on a server we did not start; tests may run out of connections"
    fi
  fi
  pg_tcp -d "$PG_REGISTRY_DB" -c 'select 1' >/dev/null || die "postgres: cannot log in to $PG_REGISTRY_DB as $PG_USER"
  took postgres "$t0"
  log "postgres: healthy ($PG_USER@$PG_HOST:$PG_PORT/$PG_DB, /$PG_REGISTRY_DB)"
}

pg_down() {
  local ver name
  if [[ -f "$RUN/postgres.started" ]]; then
    read -r ver name <"$RUN/postgres.started"
    if pg_lsclusters -h 2>/dev/null | awk -v v="$ver" -v n="$name" '$1 == v && $2 == n && $4 == "online"' | grep -q .; then
      log "postgres: stopping cluster $ver $name"
      pg_ctl_cluster "$ver" "$name" stop -m fast || warn "postgres: stop failed"
    else
      log "postgres: cluster $ver $name already stopped"
    fi
    rm -f "$RUN/postgres.started"
  else
    log "postgres: not started by us, leaving it alone"
  fi
}
