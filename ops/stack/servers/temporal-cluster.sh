# The real Temporal server for profiles that set TEMPORAL_SERVER=cluster (ops/stack/profiles/cluster.env),
# dispatched to from temporal.sh. Built from its Go modules (server 1.29.1, the version the dev server's
# CLI embeds; Web UI server 2.42.1), it runs as four processes, one per Temporal service (frontend,
# history, matching, worker), on the profile's PostgreSQL (database `temporal`, schema set up and
# updated with temporal-sql-tool) with the profile's OpenSearch as its Elasticsearch-v7 visibility store,
# plus the Web UI server pointed at the frontend. Its config YAML is written from the profile at start.

TEMPORAL_SERVER_VERSION=1.29.1
TEMPORAL_UI_VERSION=2.42.1
TEMPORAL_SERVER_DIR="$STACK_CACHE_DIR/temporal-server-$TEMPORAL_SERVER_VERSION"
TEMPORAL_UI_BIN="$STACK_CACHE_DIR/temporal-ui-$TEMPORAL_UI_VERSION/ui-server"
TEMPORAL_CLUSTER_SERVICES=(frontend history matching worker)
# Temporal's own visibility schema version for Elasticsearch/OpenSearch (schema/elasticsearch/visibility/versioned).
TEMPORAL_ES_SCHEMA_VERSION=v9

temporal_cluster_ports() {
  printf '%s (ui %s; history %s, matching %s, worker %s)' "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT" \
    "$TEMPORAL_HISTORY_PORT" "$TEMPORAL_MATCHING_PORT" "$TEMPORAL_WORKER_SERVICE_PORT"
}

# Builds temporal-server, temporal-sql-tool and the UI server inside a throwaway module that requires
# the CLI too, so dependency versions match the CLI's build and its Go build cache is reused (a cold
# build is long; a warm one takes about a minute). The ES visibility schema is copied beside them.
temporal_cluster_install() {
  local dir=$TEMPORAL_SERVER_DIR
  [[ -x $dir/temporal-server && -x $dir/temporal-sql-tool && -x $TEMPORAL_UI_BIN && -d $dir/schema/elasticsearch ]] && return 0
  command -v go >/dev/null || die "temporal: go is not installed"
  mkdir -p "$dir/src" "$(dirname "$TEMPORAL_UI_BIN")"
  (
    flock 9
    [[ -x $dir/temporal-server && -x $dir/temporal-sql-tool && -x $TEMPORAL_UI_BIN && -d $dir/schema/elasticsearch ]] && exit 0
    log "temporal: building server $TEMPORAL_SERVER_VERSION, temporal-sql-tool and ui-server $TEMPORAL_UI_VERSION (cold Go builds take many minutes)"
    cd "$dir/src"
    [[ -f go.mod ]] || printf 'module local/temporal-cluster-build\n\ngo 1.24.0\n' >go.mod
    {
      export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
      go get "github.com/temporalio/cli@v$TEMPORAL_CLI_VERSION" "go.temporal.io/server@v$TEMPORAL_SERVER_VERSION" \
        "github.com/temporalio/ui-server/v2@v$TEMPORAL_UI_VERSION" \
        && go build -o "$dir/temporal-sql-tool" go.temporal.io/server/cmd/tools/sql \
        && go build -o "$dir/temporal-server" go.temporal.io/server/cmd/server \
        && go build -o "$TEMPORAL_UI_BIN" github.com/temporalio/ui-server/v2/cmd/server \
        && rm -rf "$dir/schema" && mkdir -p "$dir/schema" \
        && cp -r "$(go list -m -f '{{.Dir}}' go.temporal.io/server)/schema/elasticsearch" "$dir/schema/" \
        && chmod -R u+w "$dir/schema"
    } >"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; die "temporal: building the server failed (log: $dir/build.log)"; }
  ) 9>"$dir.lock"
}

temporal_cluster__membership_port() {
  local offset
  case $1 in frontend) offset=3 ;; history) offset=4 ;; matching) offset=5 ;; worker) offset=9 ;; esac
  printf '%s' $((TEMPORAL_MEMBERSHIP_PORT_BASE + offset))
}

# One config dir per service: they share everything but the metrics port, which each process binds.
temporal_cluster__write_config() {
  local dir=$1 service=$2 metrics_port=$3
  mkdir -p "$dir/config/$service"
  cat >"$dir/config/$service/cluster.yaml" <<YAML
# Written by ops/stack/servers/temporal-cluster.sh from the $STACK_PROFILE profile at every start.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: es-visibility
  numHistoryShards: $TEMPORAL_HISTORY_SHARDS
  datastores:
    postgres-default:
      sql:
        pluginName: postgres12
        databaseName: temporal
        connectAddr: 127.0.0.1:$PG_PORT
        connectProtocol: tcp
        user: temporal
        password: temporal
        maxConns: 20
        maxIdleConns: 20
        maxConnLifetime: 1h
    es-visibility:
      elasticsearch:
        version: v7
        logLevel: error
        url:
          scheme: http
          host: 127.0.0.1:$OPENSEARCH_PORT
        indices:
          visibility: $TEMPORAL_VISIBILITY_INDEX
        closeIdleConnectionsInterval: 15s
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:$metrics_port
services:
  frontend:
    rpc:
      grpcPort: $TEMPORAL_PORT
      httpPort: $TEMPORAL_FRONTEND_HTTP_PORT
      membershipPort: $(temporal_cluster__membership_port frontend)
      bindOnLocalHost: true
  history:
    rpc:
      grpcPort: $TEMPORAL_HISTORY_PORT
      membershipPort: $(temporal_cluster__membership_port history)
      bindOnLocalHost: true
  matching:
    rpc:
      grpcPort: $TEMPORAL_MATCHING_PORT
      membershipPort: $(temporal_cluster__membership_port matching)
      bindOnLocalHost: true
  worker:
    rpc:
      grpcPort: $TEMPORAL_WORKER_SERVICE_PORT
      membershipPort: $(temporal_cluster__membership_port worker)
      bindOnLocalHost: true
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:$TEMPORAL_PORT
dcRedirectionPolicy:
  policy: noop
publicClient:
  hostPort: 127.0.0.1:$TEMPORAL_PORT
dynamicConfigClient:
  filepath: $dir/config/dynamicconfig.yaml
  pollInterval: 10s
YAML
}

temporal_cluster__write_dynamic_config() {
  local dir=$1
  mkdir -p "$dir/config"
  # The dev server's own defaults: a namespace may list 100 times a second per frontend (the
  # server's default is 10, too few for tests that list each task's runs).
  cat >"$dir/config/dynamicconfig.yaml" <<'YAML'
frontend.namespaceRPS.visibility:
  - value: 100
    constraints: {}
history.cacheHostLevelMaxSize:
  - value: 8096
    constraints: {}
YAML
}

temporal_cluster__write_ui_config() {
  local dir=$1
  mkdir -p "$dir/ui"
  cat >"$dir/ui/cluster.yaml" <<YAML
# Written by ops/stack/servers/temporal-cluster.sh from the $STACK_PROFILE profile at every start.
temporalGrpcAddress: 127.0.0.1:$TEMPORAL_PORT
host: 127.0.0.1
port: $TEMPORAL_UI_PORT
enableUi: true
defaultNamespace: ${TEMPORAL_NAMESPACE:-default}
showTemporalSystemNamespace: false
notifyOnNewVersion: false
refreshInterval: 1m
cors:
  cookieInsecure: true
  allowOrigins: []
YAML
}

temporal_cluster__psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }

# Role and database `temporal`, its schema versioning tables, then every schema update up to the
# binary's version (both idempotent: the tool records the version it reached).
temporal_cluster__setup_postgres() {
  local sqltool=$TEMPORAL_SERVER_DIR/temporal-sql-tool
  local -a conn=(--plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u temporal --pw temporal)
  temporal_cluster__psql <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'temporal') THEN
    CREATE ROLE temporal LOGIN PASSWORD 'temporal' CREATEDB;
  END IF;
END $$;
SQL
  local out; out="$(state_dir temporal)/schema.log"
  {
    if [[ -z $(temporal_cluster__psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'temporal'") ]]; then
      "$sqltool" "${conn[@]}" --db temporal create-database || return 1
    fi
    "$sqltool" "${conn[@]}" --db temporal setup-schema -v 0.0 || return 1
    "$sqltool" "${conn[@]}" --db temporal update-schema --schema-name postgresql/v12/temporal || return 1
  } >"$out" 2>&1 || { log_tail temporal-schema 20 "$out"; return 1; }
}

temporal_cluster__opensearch() {
  local method=$1 path=$2; shift 2
  curl -fsS --max-time 30 -X "$method" -H 'content-type: application/json' "http://127.0.0.1:$OPENSEARCH_PORT$path" "$@" >/dev/null
}

# As Temporal's schema asks: no automatic creation of its visibility index (here only its own, so
# the service's indices keep the default), the index template, then the index.
temporal_cluster__setup_opensearch() {
  local schema=$TEMPORAL_SERVER_DIR/schema/elasticsearch/visibility
  temporal_cluster__opensearch PUT /_cluster/settings \
    --data '{"persistent":{"action.auto_create_index":"-temporal_visibility*,+*"}}'
  temporal_cluster__opensearch PUT /_template/temporal_visibility_v1_template \
    --data-binary "@$schema/versioned/$TEMPORAL_ES_SCHEMA_VERSION/index_template_v7.json"
  if ! curl -fsS -o /dev/null --max-time 10 --head "http://127.0.0.1:$OPENSEARCH_PORT/$TEMPORAL_VISIBILITY_INDEX" 2>/dev/null; then
    temporal_cluster__opensearch PUT "/$TEMPORAL_VISIBILITY_INDEX"
  fi
}

temporal_cluster__cli() { "$TEMPORAL_BIN" "$@" --address "127.0.0.1:$TEMPORAL_PORT" --command-timeout 10s; }

# The namespace and the service's search attributes, as the dev server's flags create them.
temporal_cluster__setup_namespace() {
  local namespace=${TEMPORAL_NAMESPACE:-default} attribute
  temporal_cluster__cli operator namespace describe --namespace "$namespace" >/dev/null 2>&1 \
    || temporal_cluster__cli operator namespace create --namespace "$namespace" --retention 72h >/dev/null
  # A new namespace reaches the frontend's namespace cache a few seconds after it is created.
  wait_until 60 "namespace $namespace" temporal_cluster__cli operator search-attribute list --namespace "$namespace" || return 1
  local listed; listed=$(temporal_cluster__cli operator search-attribute list --namespace "$namespace") || return 1
  for attribute in TenantId=KeywordList TaskId=KeywordList TaskType=Keyword; do
    grep -qw "${attribute%%=*}" <<<"$listed" && continue
    temporal_cluster__cli operator search-attribute create --namespace "$namespace" \
      --name "${attribute%%=*}" --type "${attribute#*=}" >/dev/null || return 1
  done
}

temporal_cluster__frontend_serving() {
  "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" --command-timeout 3s 2>/dev/null | grep -q SERVING
}

temporal_cluster_health() {
  local service
  for service in "${TEMPORAL_CLUSTER_SERVICES[@]}"; do pid_alive "$(pid_file "temporal-server-$service")" || return 1; done
  temporal_cluster__frontend_serving \
    && temporal_cluster__cli operator namespace describe --namespace "${TEMPORAL_NAMESPACE:-default}" >/dev/null 2>&1 \
    && http_ok "http://127.0.0.1:$TEMPORAL_UI_PORT/"
}

temporal_cluster_start() {
  local dir service metrics=$TEMPORAL_METRICS_PORT
  dir=$(state_dir temporal)
  if temporal_cluster_health; then
    temporal_cluster__setup_namespace || { log "temporal: namespace or search attribute setup failed"; return 1; }
    log "temporal: cluster already up on $TEMPORAL_PORT (ui $TEMPORAL_UI_PORT)"; return 0
  fi
  # stack.sh starts every server at once: Temporal needs the profile's PostgreSQL and OpenSearch first.
  wait_until 240 "postgres (for temporal)" postgres_health || return 1
  wait_until 240 "opensearch (for temporal)" opensearch_health || return 1
  temporal_cluster__setup_postgres || { log "temporal: PostgreSQL schema setup failed"; return 1; }
  temporal_cluster__setup_opensearch || { log "temporal: OpenSearch visibility setup failed"; return 1; }
  temporal_cluster__write_dynamic_config "$dir"
  temporal_cluster__write_ui_config "$dir"
  for service in "${TEMPORAL_CLUSTER_SERVICES[@]}"; do
    temporal_cluster__write_config "$dir" "$service" "$metrics"
    metrics=$((metrics + 1))
    pid_alive "$(pid_file "temporal-server-$service")" && continue
    spawn "temporal-server-$service" "$TEMPORAL_SERVER_DIR/temporal-server" --root "$dir" --config "config/$service" \
      --env cluster --allow-no-auth start --service "$service"
  done
  await_ready temporal-server-frontend 180 temporal_cluster__frontend_serving || return 1
  temporal_cluster__setup_namespace || { log "temporal: namespace or search attribute setup failed"; return 1; }
  pid_alive "$(pid_file temporal-ui)" || spawn temporal-ui "$TEMPORAL_UI_BIN" --root "$dir" --config ui --env cluster start
  await_ready temporal-ui 60 http_ok "http://127.0.0.1:$TEMPORAL_UI_PORT/" || return 1
  temporal_cluster_health || { log "temporal: a service of the cluster is not running"; return 1; }
  log "temporal: cluster up on 127.0.0.1:$TEMPORAL_PORT (${TEMPORAL_CLUSTER_SERVICES[*]}), ui http://127.0.0.1:$TEMPORAL_UI_PORT"
}

temporal_cluster_stop() {
  local i
  stop_pid_file temporal-ui 20
  for (( i = ${#TEMPORAL_CLUSTER_SERVICES[@]} - 1; i >= 0; i-- )); do
    stop_pid_file "temporal-server-${TEMPORAL_CLUSTER_SERVICES[i]}" 30
  done
  log "temporal: cluster stopped"
}
