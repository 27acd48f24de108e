# The service's own processes, managed like the servers: app_start / app_stop / app_wait_ready.
# Each runs from the compiled build in dist/ with its pid and log under $STACK_STATE_DIR/<instance>.
#
# BACKGROUND_PROCESS chooses how the work behind the API runs (docs/deploy.md):
#   combined (default)  one `background` process (workers/background.ts): the Temporal worker, the task
#                       bridge and the outbox relay together; ~273 MiB at rest with the API, ~450 split (issue 13)
#   split               temporal-worker, task-bridge and outbox-relay as separate processes, each with
#                       TEMPORAL_WORKER_REPLICAS, TASK_BRIDGE_REPLICAS and OUTBOX_RELAY_REPLICAS replicas
#                       (default 1; the cluster profile sets split and 2 of each)
# The API is one process that forks API_PROCESSES node:cluster workers on its port (it reads that
# itself). Instance 1 is named after the process, the others get a suffix: temporal-worker-2, ...

# app_processes: the processes `npm run up` starts under the current BACKGROUND_PROCESS, in start order.
app_processes() {
  case ${BACKGROUND_PROCESS:-combined} in
    combined) echo api background ;;
    split) echo api temporal-worker task-bridge outbox-relay ;;
    *) die "BACKGROUND_PROCESS='$BACKGROUND_PROCESS': expected combined or split" ;;
  esac
}

# Every process any layout runs (task-delivery: earlier layouts), so `npm run down` stops whatever
# runs whichever BACKGROUND_PROCESS it is given. In stop order: the API, the intake, then the workers.
KNOWN_APP_PROCESSES=(api outbox-relay task-bridge task-delivery background temporal-worker)

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
    background) echo dist/workers/background.js ;;
    task-bridge) echo dist/workers/task-bridge.js ;;
    outbox-relay) echo dist/workers/outbox-relay.js ;;
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
    # The worker's limits hold for the combined process too: delivery adds little to its heap.
    temporal-worker | background) echo "--max-old-space-size=128 --max-semi-space-size=4" ;;
    # Idle most of the time and allocating little: a 1 MB young generation holds its RSS ~22 MB lower.
    task-bridge | outbox-relay | task-delivery) echo "--max-semi-space-size=1" ;;
  esac
}

app_start() {
  local name instance names
  # Checked here, outside a command substitution, so a bad setting stops the script.
  app_processes >/dev/null
  read -ra names <<<"$(app_processes)"
  for name in "${names[@]}"; do app_replicas "$name" >/dev/null; done
  for name in "${names[@]}"; do
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

# Stops every instance that has a pid file, of either layout, so replicas started with a larger
# count, or a layout other than the one the environment now names, are stopped too.
app_stop() {
  local name file
  for name in "${KNOWN_APP_PROCESSES[@]}"; do
    for file in "$STACK_STATE_DIR/$name"{,-[0-9]*}/*.pid; do
      [[ -f $file ]] || continue
      stop_pid_file "$(basename "$file" .pid)" 30
    done
  done
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
  if [[ ${BACKGROUND_PROCESS:-combined} == combined ]]; then
    printf '%s API process(es), 1 background process (worker + bridge + relay)' "$api"
  else
    printf '%s API process(es), %s worker(s), %s bridge(s), %s relay(s)' "$api" \
      "$(app_replicas temporal-worker)" "$(app_replicas task-bridge)" "$(app_replicas outbox-relay)"
  fi
}
