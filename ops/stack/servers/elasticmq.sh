# ElasticMQ 1.7.1 (SQS-compatible, Maven org.elasticmq:elasticmq-server_2.13) on $ELASTICMQ_PORT.
# Queues index, archive, cleanup, each with a <name>-dlq dead-letter queue. In-memory: messages do
# not survive a restart. Speaks both the SQS query protocol and the JSON protocol of AWS SDK v3.

ELASTICMQ_VERSION=1.7.1
ELASTICMQ_HOME="$STACK_CACHE_DIR/elasticmq-$ELASTICMQ_VERSION"
ELASTICMQ_JAVA=${ELASTICMQ_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
ELASTICMQ_QUEUES=(index archive cleanup)

elasticmq_ports() { printf '%s' "$ELASTICMQ_PORT"; }

elasticmq_install() {
  [[ -f $ELASTICMQ_HOME/lib/.complete ]] && return 0
  command -v mvn >/dev/null || die "elasticmq: mvn is not installed"
  [[ -x $ELASTICMQ_JAVA ]] || die "elasticmq: $ELASTICMQ_JAVA missing (Java 17)"
  log "elasticmq: resolving elasticmq-server $ELASTICMQ_VERSION and its runtime classpath with Maven"
  mkdir -p "$ELASTICMQ_HOME"
  local tmp="$ELASTICMQ_HOME/lib.tmp"
  rm -rf "$tmp"
  mvn -q -B -f "$STACK_ROOT/elasticmq/pom.xml" -Delasticmq.version="$ELASTICMQ_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
      >"$ELASTICMQ_HOME/install.log" 2>&1 \
    || { tail -n 30 "$ELASTICMQ_HOME/install.log" >&2; die "elasticmq: maven resolution failed"; }
  ls "$tmp"/elasticmq-server_2.13-"$ELASTICMQ_VERSION".jar >/dev/null 2>&1 \
    || die "elasticmq: elasticmq-server jar not among the resolved dependencies"
  touch "$tmp/.complete"
  rm -rf "${ELASTICMQ_HOME:?}/lib"
  mv "$tmp" "$ELASTICMQ_HOME/lib"
}

# Ready once the SQS endpoint answers and lists every configured queue (the HTTP server comes up a
# moment before the queues from the config file are created).
elasticmq_health() {
  local body q
  body=$(curl -fsS --max-time 2 "http://127.0.0.1:$ELASTICMQ_PORT/?Action=ListQueues" 2>/dev/null) || return 1
  for q in "${ELASTICMQ_QUEUES[@]}"; do
    [[ $body == *"/$q</QueueUrl>"* && $body == *"/$q-dlq</QueueUrl>"* ]] || return 1
  done
}

_elasticmq_write_conf() {
  local file=$1 vis=${SQS_VISIBILITY_TIMEOUT_SECONDS:-30} max=${SQS_MAX_RECEIVE_COUNT:-5} q
  {
    echo 'include classpath("application.conf")'
    echo '# Written by ops/stack/servers/elasticmq.sh at every start; edits are overwritten.'
    echo 'node-address {'
    echo '  protocol = http'
    echo '  host = "127.0.0.1"'
    echo "  port = $ELASTICMQ_PORT"
    echo '  context-path = ""'
    echo '}'
    echo 'rest-sqs {'
    echo '  enabled = true'
    echo "  bind-port = $ELASTICMQ_PORT"
    echo '  bind-hostname = "127.0.0.1"'
    echo '  sqs-limits = strict'
    echo '}'
    # 1.7.x has no stats/UI server in elasticmq-server (the 9325 REST UI is a separate module):
    # only the rest-sqs port is bound.
    echo 'generate-node-address = false'
    echo 'queues {'
    for q in "${ELASTICMQ_QUEUES[@]}"; do
      echo "  \"$q\" {"
      echo "    defaultVisibilityTimeout = $vis seconds"
      echo '    delay = 0 seconds'
      echo '    receiveMessageWait = 0 seconds'
      echo "    deadLettersQueue { name = \"$q-dlq\", maxReceiveCount = $max }"
      echo '  }'
      echo "  \"$q-dlq\" {"
      echo "    defaultVisibilityTimeout = $vis seconds"
      echo '    receiveMessageWait = 0 seconds'
      echo '  }'
    done
    echo '}'
  } >"$file"
}

elasticmq_start() {
  local dir; dir=$(state_dir elasticmq)
  [[ -f $ELASTICMQ_HOME/lib/.complete ]] || die "elasticmq: $ELASTICMQ_HOME/lib missing; run install first"
  if pid_alive "$(pid_file elasticmq)"; then
    if elasticmq_health; then log "elasticmq: already up on $ELASTICMQ_PORT"; return 0; fi
  else
    ensure_port_free elasticmq "$ELASTICMQ_PORT" || return 1
    _elasticmq_write_conf "$dir/elasticmq.conf"
    # Small heap and C1-only JIT: starts in a few seconds on 2 cores.
    # shellcheck disable=SC2086
    spawn elasticmq "$ELASTICMQ_JAVA" ${ELASTICMQ_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
      -Dconfig.file="$dir/elasticmq.conf" -cp "$ELASTICMQ_HOME/lib/*" org.elasticmq.server.Main
  fi
  await_ready elasticmq 60 elasticmq_health || return 1
  log "elasticmq: up on http://127.0.0.1:$ELASTICMQ_PORT (queues: ${ELASTICMQ_QUEUES[*]} + -dlq)"
}

elasticmq_stop() {
  if pid_alive "$(pid_file elasticmq)"; then
    stop_pid_file elasticmq 20
    log "elasticmq: stopped"
  fi
  rm -f "$(pid_file elasticmq)"
}
