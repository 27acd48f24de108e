#!/usr/bin/env bash
# npm run down [-- --profile NAME]: stops the API, the workers and every server that `npm run up` started.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ops/stack/lib.sh
source "$here/lib.sh"
# shellcheck source=ops/stack/app.sh
source "$here/app.sh"
# shellcheck source=ops/stack/profile-arg.sh
source "$here/profile-arg.sh"
profile=$(profile_arg "$@")
set -a
# shellcheck source=/dev/null
source "$here/profiles/$profile.env"
set +a
app_stop
bash "$here/stack.sh" "$profile" stop
log "stopped"
