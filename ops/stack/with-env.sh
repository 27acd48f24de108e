#!/usr/bin/env bash
# Runs a command with a profile's service environment: bash ops/stack/with-env.sh <profile> COMMAND...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
profile=${1:?usage: with-env.sh <profile> COMMAND...}; shift
set -a
# shellcheck source=/dev/null
source "$here/profiles/$profile.env"
set +a
# shellcheck source=ops/stack/service-env.sh
source "$here/service-env.sh"
cd "$here/../.."
exec "$@"
