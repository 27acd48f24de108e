#!/usr/bin/env bash
# npm run bench [-- --quick] [-- --only=1,4]: the benchmark harness of issue 5.
# Makes sure the test profile's servers are up (starting only what is down; never stopping them),
# empties and provisions the bench sandbox (its own database, index, queues, bucket and task queue
# on those servers: SERVICE_SANDBOX, default `bench`), then runs ops/bench/main.ts, which starts the service's
# processes, runs every scenario against its raw anchor and writes ops/bench/results/<date>-<mode>.{md,json}.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=ops/stack/lib.sh
source "$root/ops/stack/lib.sh"
# shellcheck source=ops/stack/node-deps.sh
source "$root/ops/stack/node-deps.sh"

ensure_node
ensure_node_deps "$root"
bash "$root/ops/stack/stack.sh" test status >/dev/null 2>&1 || bash "$root/ops/stack/stack.sh" test start
export SERVICE_SANDBOX=${SERVICE_SANDBOX:-bench} LOG_LEVEL=${LOG_LEVEL:-warn}
bash "$root/ops/stack/with-env.sh" test node --import tsx ops/bench/reset-sandbox.ts
bash "$root/ops/stack/with-env.sh" test npx tsx ops/scripts/provision.ts
exec bash "$root/ops/stack/with-env.sh" test node --import tsx ops/bench/main.ts "$@"
