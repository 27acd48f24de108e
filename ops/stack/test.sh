#!/usr/bin/env bash
# npm test: typecheck, lint, then the whole mocha suite against real servers of the `test` profile
# (its own ports and state, so a running `npm run up` is never touched). Ends with "N passed, N failed".
# KEEP_STACK=1 leaves the test servers running for the next run; SERVICE_SANDBOX=name runs on its own
# database, index, queues and bucket of those servers (see service-env.sh); SKIP_CHECKS=1 skips
# typecheck and lint while iterating; TEST_FILES='glob ...' runs only those files; extra arguments go to mocha.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ops/stack/lib.sh
source "$here/lib.sh"
# shellcheck source=ops/stack/node-deps.sh
source "$here/node-deps.sh"

started=$SECONDS
ensure_node
log "node $(node --version) ($(command -v node))"
ensure_node_deps "$PROJECT_ROOT"
ensure_console_bundle "$PROJECT_ROOT"
# Tests that run a process as `npm run up` runs it (test/support/worker-process.ts) start it from the build.
ensure_service_build "$PROJECT_ROOT"
# Only the console's browser test needs a browser.
if [[ -z ${TEST_FILES:-} || $TEST_FILES == *console-browser* ]]; then ensure_chromium; fi
# The compose file's syntax is checked with Compose itself (Debian's docker-compose needs no engine).
command -v docker-compose >/dev/null || apt_install docker-compose
cd "$PROJECT_ROOT"
if [[ -z ${SKIP_CHECKS:-} ]]; then
  log "typecheck"
  npx tsc --noEmit
  npx tsc --noEmit -p console
  log "lint (eslint, then the layer rule and cycles with dependency-cruiser)"
  npm run -s lint
fi

set -a
# TEST_PROFILE names another profile with ports and state of its own (e.g. a second stack beside a
# running one); the default is `test`.
profile=${TEST_PROFILE:-test}
# shellcheck source=ops/stack/profiles/test.env
source "$here/profiles/$profile.env"
set +a
# A fresh run starts from empty state; with KEEP_STACK the running servers (perhaps serving other
# runs in their own sandboxes) are kept, and only those that are down are started.
if [[ -z ${KEEP_STACK:-} ]]; then
  bash "$here/stack.sh" "$profile" stop >/dev/null 2>&1 || true
  rm -rf "$STACK_STATE_DIR"
fi
if [[ -z ${KEEP_STACK:-} ]]; then
  trap 'bash "$here/stack.sh" "$profile" stop >/dev/null 2>&1 || true' EXIT
fi
bash "$here/stack.sh" "$profile" start
# shellcheck source=ops/stack/service-env.sh
source "$here/service-env.sh"
export LOG_LEVEL=${LOG_LEVEL:-warn} OUTBOX_RELAY_MIN_AGE_MS=${OUTBOX_RELAY_MIN_AGE_MS:-2000}
npx tsx ops/scripts/provision.ts

results=$(mktemp "${TMPDIR:-/tmp}/audit-log-mocha.XXXXXX")
status=0
set -f
specs=(${TEST_FILES:-test/unit/**/*.test.ts test/integration/**/*.test.ts})
set +f
npx mocha "${specs[@]}" "$@" 2>&1 | tee "$results" || status=$?
passed=$(grep -aEo '^ +[0-9]+ passing' "$results" | grep -Eo '[0-9]+' | tail -n1 || true)
failed=$(grep -aEo '^ +[0-9]+ failing' "$results" | grep -Eo '[0-9]+' | tail -n1 || true)
pending=$(grep -aEo '^ +[0-9]+ pending' "$results" | grep -Eo '[0-9]+' | tail -n1 || true)
log "whole run took $((SECONDS - started))s (mocha output: $results)"
if [[ -z $passed && -z $failed ]]; then
  echo "0 passed, 1 failed"
  exit 1
fi
summary="${passed:-0} passed, ${failed:-0} failed"
[[ -n $pending ]] && summary+=", $pending skipped"
echo "$summary"
if [[ $status -ne 0 || ${failed:-0} -ne 0 ]]; then exit 1; fi
