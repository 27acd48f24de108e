#!/usr/bin/env bash
# npm run up [-- --profile NAME]: installs what is missing, starts the native stack of the profile
# (default dev; `cluster` runs the real Temporal server and the service's processes as replicas),
# provisions it, starts the API and workers in the background and waits until /readyz is green.
# Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ops/stack/lib.sh
source "$here/lib.sh"
# shellcheck source=ops/stack/node-deps.sh
source "$here/node-deps.sh"
# shellcheck source=ops/stack/app.sh
source "$here/app.sh"
# shellcheck source=ops/stack/profile-arg.sh
source "$here/profile-arg.sh"
profile=$(profile_arg "$@")

ensure_node
ensure_node_deps "$PROJECT_ROOT"
ensure_console_bundle "$PROJECT_ROOT"
bash "$here/stack.sh" "$profile" start
set -a
# shellcheck source=/dev/null
source "$here/profiles/$profile.env"
set +a
# shellcheck source=ops/stack/service-env.sh
source "$here/service-env.sh"

cd "$PROJECT_ROOT"
log "building"
ensure_service_build "$PROJECT_ROOT"
export TEMPORAL_WORKFLOW_BUNDLE="$PROJECT_ROOT/dist/workflow-bundle.js"
log "provisioning (migrations, bucket, search index)"
npx tsx ops/scripts/provision.ts
app_start
app_wait_ready

cat <<MSG

Audit log service is up (profile $profile, state in $STACK_STATE_DIR).
  API           http://127.0.0.1:$PORT/api/v1   ($(app_summary))
  Console       http://127.0.0.1:$PORT/console   (a link that signs in: npm run token -- --role auditor --tenant ID)
  API docs      http://127.0.0.1:$PORT/docs   (OpenAPI: http://127.0.0.1:$PORT/openapi.json)
  Readiness     http://127.0.0.1:$PORT/readyz
  Temporal UI   $TEMPORAL_UI_URL
  Admin token   $([[ $profile == dev ]] && echo 'npm run token -- --role admin' || echo "bash ops/stack/with-env.sh $profile npx tsx ops/scripts/token.ts --role admin")
  Stop          npm run down$([[ $profile == dev ]] || echo " -- --profile $profile")
MSG
