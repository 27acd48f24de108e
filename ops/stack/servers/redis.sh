# Redis (Debian redis-server 7.0) on $REDIS_PORT, no persistence, run in the foreground under `spawn`.

REDIS_BIN=/usr/bin/redis-server
REDIS_CLI=/usr/bin/redis-cli

redis_ports() { printf '%s' "$REDIS_PORT"; }

redis_install() {
  [[ -x $REDIS_BIN && -x $REDIS_CLI ]] && return 0
  log "redis: installing redis-server from apt"
  apt_install redis-server redis-tools
  [[ -x $REDIS_BIN ]] || die "redis: $REDIS_BIN missing after apt install"
}

redis_health() {
  [[ $("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

redis_start() {
  local dir; dir=$(state_dir redis)
  if pid_alive "$(pid_file redis)"; then
    if redis_health; then log "redis: already up on $REDIS_PORT"; return 0; fi
  else
    ensure_port_free redis "$REDIS_PORT" || return 1
    spawn redis "$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize no --dir "$dir" --protected-mode yes
  fi
  await_ready redis 30 redis_health || return 1
  log "redis: up on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  if pid_alive "$(pid_file redis)"; then
    stop_pid_file redis 15
    log "redis: stopped"
  fi
  rm -f "$(pid_file redis)"
}
