# The service's own processes, managed like the servers: app_start / app_stop / app_wait_ready.
# Each runs from the compiled build in dist/ with its pid and log under $STACK_STATE_DIR/<process>.

# The task bridge and the outbox relay run in one process (workers/task-delivery.ts): issue 13's memory at rest.
APP_PROCESSES=(api temporal-worker task-delivery)
# Processes of earlier layouts, stopped too so `npm run down` after an upgrade leaves nothing behind.
RETIRED_APP_PROCESSES=(task-bridge outbox-relay)

app_entry() {
  case $1 in
    api) echo dist/api/server.js ;;
    temporal-worker) echo dist/workers/temporal-worker.js ;;
    task-delivery) echo dist/workers/task-delivery.js ;;
  esac
}

# The worker runs with a small young generation and old-space cap: its live heap is flat (~35 MB)
# and V8's default limits let garbage pile up past the 256 MB budget (ops/bench/results/archive-memory.md).
# The API's heap is bounded too. On Node 24, V8 lets a streaming export's garbage pile up in old space
# before collecting it: a 200,000-row export lifted the API's RSS by 63-76 MB with the defaults, 12.6 MB
# with a 384 MB old space (0.4 MB at 160 MB), at the same speed. 384 MB leaves room for several
# concurrent 5 MiB bulk bodies.
app_node_flags() {
  case $1 in
    api) echo "--max-old-space-size=384 --max-semi-space-size=8" ;;
    temporal-worker) echo "--max-old-space-size=128 --max-semi-space-size=4" ;;
    # Idle most of the time and allocating little: a 1 MB young generation holds its RSS ~22 MB lower.
    task-delivery) echo "--max-semi-space-size=1" ;;
  esac
}

app_start() {
  local name
  for name in "${APP_PROCESSES[@]}"; do
    if pid_alive "$(pid_file "$name")"; then
      log "$name: already running"
    else
      # shellcheck disable=SC2046
      spawn "$name" node --enable-source-maps $(app_node_flags "$name") "$PROJECT_ROOT/$(app_entry "$name")"
      log "$name: started (log: $STACK_STATE_DIR/$name/$name.log)"
    fi
  done
}

app_stop() {
  local i
  for (( i = ${#APP_PROCESSES[@]} - 1; i >= 0; i-- )); do
    stop_pid_file "${APP_PROCESSES[i]}" 30
  done
  for name in "${RETIRED_APP_PROCESSES[@]}"; do stop_pid_file "$name" 30; done
}

app_wait_ready() {
  local url="http://127.0.0.1:$PORT/readyz"
  if ! wait_until 90 "the API at $url" http_ok "$url"; then
    curl -sS "$url" >&2 || true
    log_tail api 30
    return 1
  fi
}
