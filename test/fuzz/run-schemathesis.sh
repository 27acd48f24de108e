#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with Schemathesis, against the real servers.
#
# Installs Schemathesis (PyPI) into a virtualenv cached outside the clone, starts the API as a child
# process (node --import tsx api/server.ts) on a free port with the service environment, creates a
# tenant and mints tokens for it, runs Schemathesis against /openapi.json with bounded examples and
# every check (`--checks all`, as a user's own fuzzing would run it: server errors, response schemas,
# status codes, content types, headers, Allow, invalid data refused and valid data accepted), and
# ends with a `FUZZ-SUMMARY {json}` line (requests sent, statuses, server errors, failed checks).
#
# The API runs in a sandbox of its own, `<SERVICE_SANDBOX>fuzz`, on the servers of the caller's
# environment (as `npm test` exports it) or of the test profile when run alone:
#   SERVICE_SANDBOX=me bash test/fuzz/run-schemathesis.sh
# test/integration/fuzz-openapi.test.ts runs it inside `npm test` with a bounded budget.
# Knobs: FUZZ_MAX_EXAMPLES (per operation, default 20), FUZZ_WORKERS (default 2), FUZZ_PHASES
# (default examples,coverage,fuzzing,stateful), FUZZ_CHECKS (default all), FUZZ_SEED, FUZZ_REPORT_DIR (kept;
# default a temp dir, removed after a clean run). Exit status: Schemathesis's (non-zero when a check failed).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCHEMATHESIS_VERSION=4.32.5
CACHE_DIR=${STACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/audit-log-stack}
VENV="$CACHE_DIR/schemathesis-$SCHEMATHESIS_VERSION"

say() { printf '[fuzz] %s\n' "$*" >&2; }

# Idempotent and safe when two runs start at once: one installs under the lock, the other waits for it.
install_schemathesis() {
  mkdir -p "$CACHE_DIR"
  exec 9>"$VENV.lock"
  flock 9
  if [[ ! -f "$VENV/.installed" ]]; then
    command -v python3 >/dev/null || { say "python3 (3.9 or newer, with venv) is required"; return 1; }
    say "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    touch "$VENV/.installed"
  fi
  flock -u 9
}

# The fuzzer writes hundreds of events and tasks (cleanups, reindexes): it gets a sandbox of its own
# (database, index, queues, bucket, task queue), named after the caller's, that no worker consumes, so
# it never loads the pipeline the other tests wait on. The servers stay the caller's.
load_service_env() {
  local sandbox="${SERVICE_SANDBOX:-}fuzz"
  unset DATABASE_OWNER_URL DATABASE_URL SQS_INDEX_QUEUE_URL SQS_ARCHIVE_QUEUE_URL SQS_CLEANUP_QUEUE_URL S3_BUCKET OPENSEARCH_INDEX TEMPORAL_TASK_QUEUE
  export SERVICE_SANDBOX=$sandbox
  if [[ -z ${STACK_PROFILE:-} ]]; then
    set -a
    # shellcheck source=ops/stack/profiles/test.env
    source "$ROOT/ops/stack/profiles/test.env"
    set +a
  fi
  # shellcheck source=ops/stack/service-env.sh
  source "$ROOT/ops/stack/service-env.sh"
  say "provisioning the $SERVICE_SANDBOX sandbox of the $STACK_PROFILE servers"
  (cd "$ROOT" && npx tsx ops/scripts/provision.ts >&2)
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

install_schemathesis
# The API and the credentials script below run on the supported Node even when run alone.
# shellcheck source=ops/stack/lib.sh
source "$ROOT/ops/stack/lib.sh"
# shellcheck source=ops/stack/node-deps.sh
source "$ROOT/ops/stack/node-deps.sh"
ensure_node
load_service_env

work=$(mktemp -d "${TMPDIR:-/tmp}/audit-log-fuzz.XXXXXX")
report_dir=${FUZZ_REPORT_DIR:-$work/report}
mkdir -p "$report_dir"
api_pid=
status=1

stop_api() {
  if [[ -n $api_pid ]] && kill -0 "$api_pid" 2>/dev/null; then
    kill -TERM "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
}
finish() {
  stop_api
  if [[ $status -eq 0 && -z ${FUZZ_REPORT_DIR:-} ]]; then
    rm -rf "$work"
  else
    say "API log and reports kept in $work (reports: $report_dir)"
  fi
}
trap finish EXIT
trap 'exit 143' TERM INT

port=$(free_port)
api="http://127.0.0.1:$port"
say "starting the API on $api (log: $work/api.log)"
# The admin's own budget follows the service default; raise it so the fuzzer is never rate limited.
(cd "$ROOT" && PORT=$port LOG_LEVEL=${FUZZ_API_LOG_LEVEL:-warn} RATE_LIMIT_PER_SECOND=100000 RATE_LIMIT_BURST=1000000 \
  exec node --import tsx api/server.ts) >"$work/api.log" 2>&1 &
api_pid=$!

if ! credentials=$(cd "$ROOT" && node --import tsx test/fuzz/fuzz-credentials.ts --api "$api"); then
  say "could not prepare the fuzz tenant; the API log follows"
  tail -n 50 "$work/api.log" >&2
  exit 1
fi
eval "$credentials"
export FUZZ_ADMIN_TOKEN FUZZ_TENANT_ID FUZZ_SCRATCH_TENANT_ID FUZZ_USER_TOKEN FUZZ_AUDITOR_TOKEN
say "fuzz tenant $FUZZ_TENANT_ID"

seed_args=()
[[ -n ${FUZZ_SEED:-} ]] && seed_args=(--seed "$FUZZ_SEED")
fuzz() {
  (cd "$work" && "$VENV/bin/schemathesis" --config-file "$ROOT/test/fuzz/schemathesis.toml" run "$api/openapi.json" \
    --checks "${FUZZ_CHECKS:-all}" \
    --phases "${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}" \
    --max-examples "${FUZZ_MAX_EXAMPLES:-20}" \
    --workers "${FUZZ_WORKERS:-2}" \
    --request-timeout 30 \
    --generation-database none \
    --report ndjson,json --report-dir "$report_dir" \
    --no-color "${seed_args[@]}") 2>&1 | tee "$work/schemathesis.out"
  return "${PIPESTATUS[0]}"
}
set +e
fuzz
status=$?
# Schemathesis itself sometimes crashes while generating (CPython 3.11's "AST constructor recursion
# depth mismatch" inside hypothesis): a run whose only errors are its own, with no check failed, is
# run once more rather than counted against the API.
if [[ $status -ne 0 ]] && grep -q 'Runtime Error' "$work/schemathesis.out" && ! grep -q '=== FAILURES ===' "$work/schemathesis.out"; then
  say "schemathesis crashed on its own (no check failed); running it once more"
  rm -f "$report_dir"/*
  fuzz
  status=$?
fi
set -e

report=$(ls -t "$report_dir"/ndjson-*.ndjson 2>/dev/null | head -n 1)
if [[ -z $report ]]; then
  say "schemathesis wrote no report (exit $status)"
  [[ $status -eq 0 ]] && status=1
  exit "$status"
fi
"$VENV/bin/python" "$ROOT/test/fuzz/summarise-report.py" "$report"
exit "$status"
