# The service's own processes, managed like the servers: app_start / app_stop / app_wait_ready.
# Each runs from the compiled build in dist/ with its pid and log under $STACK_STATE_DIR/<instance>.
# Replicas: the API is one process that forks API_PROCESSES node:cluster workers on its port (it reads
# that itself); the others run as TEMPORAL_WORKER_REPLICAS, TASK_BRIDGE_REPLICAS and OUTBOX_RELAY_REPLICAS
# separate processes (default 1; the profile sets them). Instance 1 is named after the process, the
# others get a suffix: temporal-worker, temporal-worker-2, ...

# The task bridge and the outbox relay run in one process (workers/task-delivery.ts): issue 13's memory at rest.
APP_PROCESSES=(api temporal-worker task-delivery)
# Processes of earlier layouts, stopped too so `npm run down` after an upgrade leaves nothing behind.
RETIRED_APP_PROCESSES=(task-bridge outbox-relay)

app_replicas() {
  local count
  case $1 in
    temporal-worker) count=${TEMPORAL_WORKER_REPLICAS:-1} ;;
    task-bridge) count=${TASK_BRIDGE_REPLICAS:-1} ;;
    outbox-relay) count=${OUTBOX_RELAY_REPLICAS:-1} ;;
    *) count=1 ;;
  esac
  [[ $count =~ ^[1-9][0-9]?$ ]] || die "$1: replica count '$count' is not a number from 1 to 99"
  echo "$count"
}

# app_instances NAME: the instance names of NAME's replicas, one a line.
app_instances() {
  local name=$1 i count
  count=$(app_replicas "$name") || exit 1
  echo "$name"
  for (( i = 2; i <= count; i++ )); do echo "$name-$i"; done
}

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
  local name instance
  # Checked here, outside a command substitution, so a bad count stops the script.
  for name in "${APP_PROCESSES[@]}"; do app_replicas "$name" >/dev/null; done
  for name in "${APP_PROCESSES[@]}"; do
    for instance in $(app_instances "$name"); do
      if pid_alive "$(pid_file "$instance")"; then
        log "$instance: already running"
      else
        # shellcheck disable=SC2046
        spawn "$instance" node $(app_node_flags "$name") "$PROJECT_ROOT/$(app_entry "$name")"
        log "$instance: started (log: $STACK_STATE_DIR/$instance/$instance.log)"
      fi
    done
  done
}

# Stops every instance that has a pid file, so replicas started with a larger count than the
# environment now names are stopped too.
app_stop() {
  local i file
  for (( i = ${#APP_PROCESSES[@]} - 1; i >= 0; i-- )); do
    for file in "$STACK_STATE_DIR/${APP_PROCESSES[i]}"{,-[0-9]*}/*.pid; do
      [[ -f $file ]] || continue
      stop_pid_file "$(basename "$file" .pid)" 30
    done
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

# One line saying how many of each process run, for `npm run up`'s closing message.
app_summary() {
  local api=${API_PROCESSES:-1}
  [[ $api == auto ]] && api="$(nproc) (auto, one per core)"
  printf '%s API process(es), %s worker(s), %s bridge(s), %s relay(s)' "$api" \
    "$(app_replicas temporal-worker)" "$(app_replicas task-bridge)" "$(app_replicas outbox-relay)"
}
