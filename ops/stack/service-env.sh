# Exports the service environment for the active profile: the one place that turns the profile's
# ports into the URLs every process reads (see platform/config/env-schema.ts). Sourced after a profile.
# Variables already set in the environment win, so a user can point any part elsewhere.

: "${STACK_STATE_DIR:?source a profile first}"
mkdir -p "$STACK_STATE_DIR"

jwt_secret_file="$STACK_STATE_DIR/jwt-secret"
if [[ -z ${JWT_SECRET:-} && ! -s $jwt_secret_file ]]; then
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$jwt_secret_file")
fi
cursor_secret_file="$STACK_STATE_DIR/cursor-secret"
if [[ -z ${CURSOR_SECRET:-} && ! -s $cursor_secret_file ]]; then
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$cursor_secret_file")
fi
# The tamper-evident log's Ed25519 signing key, as a private JWK on one line (see INTEGRITY_SIGNING_KEYS).
integrity_key_file="$STACK_STATE_DIR/integrity-signing-key.jwk"
if [[ -z ${INTEGRITY_SIGNING_KEYS:-} && ! -s $integrity_key_file ]]; then
  (umask 077; node -e 'process.stdout.write(JSON.stringify(require("node:crypto").generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" })))' >"$integrity_key_file")
fi

# SERVICE_SANDBOX=name gives a run its own database, index, queues, bucket and task queue on the
# shared servers, so several test runs (or developers) can share one stack without meeting.
sandbox=${SERVICE_SANDBOX:+_$SERVICE_SANDBOX}
dash_sandbox=${SERVICE_SANDBOX:+-$SERVICE_SANDBOX}
queue_base="http://127.0.0.1:$ELASTICMQ_PORT/000000000000"
export \
  NODE_ENV="${NODE_ENV:-$([[ $STACK_PROFILE == test ]] && echo test || echo development)}" \
  PORT="${PORT}" \
  DATABASE_ADMIN_URL="${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:$PG_PORT/postgres}" \
  DATABASE_OWNER_URL="${DATABASE_OWNER_URL:-postgres://audit_owner:audit_owner@127.0.0.1:$PG_PORT/audit_log$sandbox}" \
  DATABASE_URL="${DATABASE_URL:-postgres://audit_app:audit_app@127.0.0.1:$PG_PORT/audit_log$sandbox}" \
  REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}" \
  SQS_ENDPOINT="${SQS_ENDPOINT:-http://127.0.0.1:$ELASTICMQ_PORT}" \
  SQS_ACCESS_KEY_ID="${SQS_ACCESS_KEY_ID:-local}" \
  SQS_SECRET_ACCESS_KEY="${SQS_SECRET_ACCESS_KEY:-local}" \
  SQS_INDEX_QUEUE_URL="${SQS_INDEX_QUEUE_URL:-$queue_base/index$dash_sandbox}" \
  SQS_ARCHIVE_QUEUE_URL="${SQS_ARCHIVE_QUEUE_URL:-$queue_base/archive$dash_sandbox}" \
  SQS_CLEANUP_QUEUE_URL="${SQS_CLEANUP_QUEUE_URL:-$queue_base/cleanup$dash_sandbox}" \
  S3_ENDPOINT="${S3_ENDPOINT:-http://127.0.0.1:$VERSITYGW_PORT}" \
  S3_ACCESS_KEY="${S3_ACCESS_KEY:-auditlocal}" \
  S3_SECRET_KEY="${S3_SECRET_KEY:-auditlocalsecret}" \
  S3_BUCKET="${S3_BUCKET:-audit-archive$dash_sandbox}" \
  OPENSEARCH_URL="${OPENSEARCH_URL:-http://127.0.0.1:$OPENSEARCH_PORT}" \
  OPENSEARCH_INDEX="${OPENSEARCH_INDEX:-audit-logs-$STACK_PROFILE$dash_sandbox}" \
  TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}" \
  TEMPORAL_TASK_QUEUE="${TEMPORAL_TASK_QUEUE:-audit-log$dash_sandbox}" \
  TEMPORAL_UI_URL="${TEMPORAL_UI_URL:-http://127.0.0.1:$TEMPORAL_UI_PORT}" \
  JWT_SECRET="${JWT_SECRET:-$(<"$jwt_secret_file")}" \
  JWT_ISSUER="${JWT_ISSUER:?the profile sets JWT_ISSUER}" \
  JWT_AUDIENCE="${JWT_AUDIENCE:?the profile sets JWT_AUDIENCE}" \
  CURSOR_SECRET="${CURSOR_SECRET:-$(<"$cursor_secret_file")}" \
  INTEGRITY_SIGNING_KEYS="${INTEGRITY_SIGNING_KEYS:-$(<"$integrity_key_file")}" \
  INTEGRITY_ORIGIN="${INTEGRITY_ORIGIN:-audit-log.localhost/$STACK_PROFILE$dash_sandbox}"
