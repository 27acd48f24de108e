# Temporal dev server (Temporal CLI v1.5.1: Server 1.29.1 + Web UI 2.42.1 compiled in, SQLite state).
# gRPC frontend on $TEMPORAL_PORT, Web UI (and its HTTP API under /api/v1) on $TEMPORAL_UI_PORT.
# A profile with TEMPORAL_SERVER=cluster gets the real server instead (temporal-cluster.sh); the CLI
# is installed either way, as the client that checks health and registers namespaces.

TEMPORAL_CLI_VERSION=1.5.1
TEMPORAL_BIN="$STACK_CACHE_DIR/temporal-$TEMPORAL_CLI_VERSION/temporal"

temporal_dev_ports() { printf '%s (ui %s)' "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT"; }

temporal_cli_install() {
  go_install_cached temporal "$TEMPORAL_CLI_VERSION" \
    "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" temporal
}

temporal_dev_health() {
  "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" \
      --command-timeout 3s 2>/dev/null | grep -q SERVING \
    && http_ok "http://127.0.0.1:$TEMPORAL_UI_PORT/"
}

temporal_dev_start() {
  local dir; dir=$(state_dir temporal)
  [[ -x $TEMPORAL_BIN ]] || die "temporal: $TEMPORAL_BIN missing; run install first"
  if pid_alive "$(pid_file temporal)"; then
    if temporal_dev_health; then log "temporal: already up on $TEMPORAL_PORT (ui $TEMPORAL_UI_PORT)"; return 0; fi
  else
    ensure_port_free temporal "$TEMPORAL_PORT" || return 1
    ensure_port_free temporal-ui "$TEMPORAL_UI_PORT" || return 1
    # "default" always exists; --namespace default is accepted (no error) and documents intent.
    spawn temporal "$TEMPORAL_BIN" server start-dev \
      --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --db-filename "$dir/temporal.sqlite" --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
      --namespace "${TEMPORAL_NAMESPACE:-default}" \
      --search-attribute TenantId=KeywordList --search-attribute TaskId=KeywordList --search-attribute TaskType=Keyword \
      --log-level warn --disable-config-file --disable-config-env
  fi
  await_ready temporal 90 temporal_dev_health || return 1
  log "temporal: up on 127.0.0.1:$TEMPORAL_PORT, ui http://127.0.0.1:$TEMPORAL_UI_PORT"
}

temporal_dev_stop() {
  if pid_alive "$(pid_file temporal)"; then
    stop_pid_file temporal 30
    log "temporal: stopped"
  fi
  rm -f "$(pid_file temporal)"
}

temporal__flavour() { [[ ${TEMPORAL_SERVER:-dev} == cluster ]] && echo cluster || echo dev; }
temporal_ports() { "temporal_$(temporal__flavour)_ports"; }
temporal_install() {
  temporal_cli_install
  if [[ $(temporal__flavour) == cluster ]]; then temporal_cluster_install; fi
}
temporal_health() { "temporal_$(temporal__flavour)_health"; }
temporal_start() { "temporal_$(temporal__flavour)_start"; }
temporal_stop() { "temporal_$(temporal__flavour)_stop"; }
