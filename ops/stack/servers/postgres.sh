# PostgreSQL 15 (Debian package): a throwaway cluster under $(state_dir postgres)/data on $PG_PORT.
# Roles, database and migrations are created by the TypeScript provisioning, as `postgres` over TCP.

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin

# Runs a PostgreSQL binary as the `postgres` OS user when we are root (initdb/postgres refuse root).
_pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_data() { printf '%s/data' "$(state_dir postgres)"; }

postgres_ports() { printf '%s' "$PG_PORT"; }

postgres_install() {
  [[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl ]] && return 0
  log "postgres: installing postgresql-$PG_MAJOR from apt"
  apt_install "postgresql-$PG_MAJOR"
  [[ -x $PG_BIN/initdb ]] || die "postgres: $PG_BIN/initdb missing after apt install"
}

postgres_health() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2
}

# True when the postmaster recorded in our data dir is alive.
_pg_running() {
  local pidfile; pidfile="$(_pg_data)/postmaster.pid"
  [[ -f $pidfile ]] || return 1
  local pid; pid=$(head -n 1 "$pidfile")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

_pg_write_conf() {
  local dir=$1 data=$2
  {
    echo "# Written by ops/stack/servers/postgres.sh at every start; edits are overwritten."
    echo "port = $PG_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    echo "max_connections = 200"
    echo "shared_buffers = 256MB"
    if [[ ${STACK_PROFILE:-} == test ]]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >"$data/stack.conf"
  grep -qx "include 'stack.conf'" "$data/postgresql.conf" || echo "include 'stack.conf'" >>"$data/postgresql.conf"
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$data/stack.conf"
  return 0
}

postgres_start() {
  local dir data logf
  dir=$(state_dir postgres); data="$dir/data"; logf="$dir/postgres.log"
  if _pg_running && postgres_health; then
    log "postgres: already up on $PG_PORT"; return 0
  fi
  if ! _pg_running; then
    ensure_port_free postgres "$PG_PORT" || return 1
  fi
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    local locale=C.UTF-8
    locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' || locale=C
    _pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale="$locale" \
      >"$dir/initdb.log" 2>&1 || { log_tail postgres 30 "$dir/initdb.log"; die "postgres: initdb failed"; }
  fi
  _pg_write_conf "$dir" "$data"
  if ! _pg_running; then
    _pg_as_owner touch "$logf"
    # -W: return at once; readiness is polled below with our own deadline.
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$logf" -W start >/dev/null \
      || { log_tail postgres 30 "$logf"; die "postgres: pg_ctl start failed"; }
  fi
  local started=$SECONDS deadline=$((SECONDS + 60))
  until postgres_health; do
    if (( SECONDS - started >= 3 )) && ! _pg_running; then
      log "postgres exited during start-up"; log_tail postgres 40 "$logf"; return 1
    fi
    if (( SECONDS >= deadline )); then
      log "postgres did not become ready within 60s"; log_tail postgres 40 "$logf"; return 1
    fi
    sleep 0.3
  done
  # Record the postmaster pid (status/debugging); stop goes through pg_ctl on our data dir.
  head -n 1 "$data/postmaster.pid" >"$(pid_file postgres)"
  log "postgres: up on 127.0.0.1:$PG_PORT (data $data)"
}

postgres_stop() {
  local data; data=$(_pg_data)
  if _pg_running; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null \
      || { log "postgres: pg_ctl stop failed"; return 1; }
    log "postgres: stopped"
  fi
  rm -f "$(pid_file postgres)"
}
