# shellcheck shell=bash
# Sourced by scripts/stack: logging, root and package helpers, pid files and ports.
log() { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# die with the tail of a log file
die_log() { # <message> <logfile>
  printf '[stack] ERROR: %s\n' "$1" >&2
  if [[ -n "${2:-}" && -r "$2" ]]; then
    printf '[stack] ---- last 40 lines of %s ----\n' "$2" >&2
    tail -n 40 "$2" >&2 || true
    printf '[stack] ----\n' >&2
  fi
  exit 1
}

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root for: $*"; fi
}
as_postgres() {
  # from / so psql does not complain about an unreadable working directory
  if [[ $EUID -eq 0 ]] && command -v runuser >/dev/null; then (cd / && runuser -u postgres -- "$@")
  elif [[ $EUID -eq 0 ]]; then (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
  else (cd / && sudo -u postgres "$@"); fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* yourself"
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
now() { date +%s; }

# pid from a pid file if that process is alive and its command line contains <pattern>
live_pid() { # <pidfile> <pattern>
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
  echo "$pid"
}

# for start-up waits: the pid may still be the forked shell that is about to exec java
pid_alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# keep one previous log
rotate_log() { [[ -f "$1" ]] && mv -f "$1" "$1.1"; : >"$1"; }

stop_pid() { # <name> <pidfile> <pattern> <grace-secs>
  local name=$1 pidfile=$2 pattern=$3 grace=$4 pid i
  if ! pid="$(live_pid "$pidfile" "$pattern")"; then
    rm -f "$pidfile"; log "$name: not running (nothing of ours to stop)"; return 0
  fi
  log "$name: stopping pid $pid (SIGTERM, up to ${grace}s)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name: still alive after ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
  log "$name: stopped"
}

ensure_java() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  command -v curl >/dev/null || apt_install curl
}

# Records how long part <name> took to come up since <t0> (`up` prints it).
took() { echo $(($(now) - $2)) >"$RUN/$1.elapsed"; }

# Whether part <name> needs starting. Not when our own process runs (its health is still awaited),
# nor when something else answers on its port: that one is reused as it is, and `down` leaves it.
# Returns 0: start it; 1: ours runs, wait until healthy; 2: another answers, nothing to do.
part_state() { # <name> <pidfile> <pattern> <port> <t0>
  local pid
  if pid="$(live_pid "$2" "$3")"; then
    log "$1: already running (pid $pid)"
    return 1
  fi
  if port_open "$PG_HOST" "$4"; then
    log "$1: something already answers on $PG_HOST:$4, reusing it"
    took "$1" "$5"
    return 2
  fi
}
