#!/usr/bin/env bash
# npm run bench [-- --quick] [-- --only=1,4]: the benchmark harness of issue 5.
# Makes sure the test profile's servers are up (starting only what is down; never stopping them),
# empties and provisions the bench sandbox (its own database, index, queues, bucket and task queue
# on those servers: SERVICE_SANDBOX, default `bench`), then runs bench/main.ts, which starts the service's
# processes, runs every scenario against its raw anchor and writes bench/results/<date>-<mode>.{md,json}.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=stack/lib.sh
source "$root/stack/lib.sh"
# shellcheck source=stack/node-deps.sh
source "$root/stack/node-deps.sh"

ensure_node_deps "$root"
bash "$root/stack/stack.sh" test status >/dev/null 2>&1 || bash "$root/stack/stack.sh" test start
export SERVICE_SANDBOX=${SERVICE_SANDBOX:-bench} LOG_LEVEL=${LOG_LEVEL:-warn}
bash "$root/stack/with-env.sh" test node --import tsx bench/reset-sandbox.ts
bash "$root/stack/with-env.sh" test npx tsx scripts/provision.ts
exec bash "$root/stack/with-env.sh" test node --import tsx bench/main.ts "$@"
