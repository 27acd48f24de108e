#!/usr/bin/env bash
# npm run bench [-- --quick] [-- --only=1,4] [-- --runs=N]: the benchmark harness of issues 5 and 13.
# Starts those of the test profile's servers that are down, and on exit stops exactly those: servers
# that were already up (shared with tests or other runs) are left running. Then empties and provisions
# the bench sandbox (its own database, index, queues, bucket and task queue on those servers:
# SERVICE_SANDBOX, default `bench`) and runs ops/bench/main.ts, which starts the service's processes,
# runs every scenario against its raw anchor and writes ops/bench/results/<date>-<mode>.{md,json}.
# BENCH_PROFILE names another profile (default `test`).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=ops/stack/lib.sh
source "$root/ops/stack/lib.sh"
# shellcheck source=ops/stack/node-deps.sh
source "$root/ops/stack/node-deps.sh"

profile=${BENCH_PROFILE:-test}
ensure_node
ensure_node_deps "$root"
# The service runs from the build, with the node flags `npm run up` gives it (lib/services.ts).
log "bench: building the service"
ensure_service_build "$root"

# `stack.sh status` prints "<server> up|down <ports>" per server; only the down ones are ours to start.
started=()
while read -r server state _; do
  [[ $state == down ]] && started+=("$server")
done < <(bash "$root/ops/stack/stack.sh" "$profile" status 2>/dev/null || true)
stop_started() {
  (( ${#started[@]} )) || return 0
  log "bench: stopping the servers it started: ${started[*]}"
  bash "$root/ops/stack/stack.sh" "$profile" stop "${started[@]}" || true
}
trap stop_started EXIT
if (( ${#started[@]} )); then
  log "bench: starting ${started[*]} (stopped again when the bench ends)"
  bash "$root/ops/stack/stack.sh" "$profile" start "${started[@]}"
fi

export SERVICE_SANDBOX=${SERVICE_SANDBOX:-bench} LOG_LEVEL=${LOG_LEVEL:-warn}
bash "$root/ops/stack/with-env.sh" "$profile" node --import tsx ops/bench/reset-sandbox.ts
bash "$root/ops/stack/with-env.sh" "$profile" npx tsx ops/scripts/provision.ts
# Not exec: the trap above must run when the bench ends, however it ends.
bash "$root/ops/stack/with-env.sh" "$profile" node --import tsx ops/bench/main.ts "$@"
