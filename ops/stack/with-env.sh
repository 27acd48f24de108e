#!/usr/bin/env bash
# Runs a command with a profile's service environment, on the supported Node, from the project root:
#   bash ops/stack/with-env.sh <profile> COMMAND...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ops/stack/lib.sh
source "$here/lib.sh"
# shellcheck source=ops/stack/node-deps.sh
source "$here/node-deps.sh"
profile=${1:?usage: with-env.sh <profile> COMMAND...}; shift
ensure_node
set -a
# shellcheck source=/dev/null
source "$here/profiles/$profile.env"
set +a
# shellcheck source=ops/stack/service-env.sh
source "$here/service-env.sh"
cd "$PROJECT_ROOT"
exec "$@"
