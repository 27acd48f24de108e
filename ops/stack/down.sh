#!/usr/bin/env bash
# npm run down: stops the API, the workers and every server that `npm run up` started.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ops/stack/lib.sh
source "$here/lib.sh"
# shellcheck source=ops/stack/app.sh
source "$here/app.sh"
set -a
# shellcheck source=ops/stack/profiles/dev.env
source "$here/profiles/dev.env"
set +a
app_stop
bash "$here/stack.sh" dev stop
log "stopped"
