# OpenSearch 2.19.6, natively: the runtime jars come from Maven Central (ops/stack/opensearch/pom.xml) and
# a small launcher of our own (ops/stack/opensearch/src/AuditOpenSearchLauncher.java) starts one node in
# a Java 17 JVM. Sourced after ops/stack/lib.sh and a profile (OPENSEARCH_PORT, OPENSEARCH_TRANSPORT_PORT).
# Indices get no replicas by default in 2.x: the app's index templates set number_of_replicas 0.
#
# Optional: OPENSEARCH_HEAP (JVM heap flags, default "-Xms512m -Xmx1g"),
#           OPENSEARCH_JAVA_HOME (default the Debian Java 17; not the Temurin 25 JDK).

OPENSEARCH_VERSION=2.19.6

opensearch__java_home() { printf '%s' "${OPENSEARCH_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"; }
opensearch__home() { printf '%s/opensearch-%s' "$STACK_CACHE_DIR" "$OPENSEARCH_VERSION"; }
opensearch__pom() { printf '%s/opensearch/pom.xml' "$STACK_ROOT"; }
opensearch__source() { printf '%s/opensearch/src/AuditOpenSearchLauncher.java' "$STACK_ROOT"; }
opensearch__sha() { sha256sum "$1" | cut -c1-12; }
opensearch__launcher_dir() { printf '%s/launcher-%s' "$(opensearch__home)" "$(opensearch__sha "$(opensearch__source)")"; }
opensearch__url() { printf 'http://127.0.0.1:%s%s' "$OPENSEARCH_PORT" "$1"; }

opensearch_install() {
  local home lib marker pom_sha launcher javac
  home=$(opensearch__home)
  lib=$home/lib
  marker=$lib/.complete
  pom_sha=$(opensearch__sha "$(opensearch__pom)")
  # The marker records the POM it was resolved from, so editing the POM re-resolves.
  if [[ ! -f $marker || $(<"$marker") != "$pom_sha" ]]; then
    command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
    log "resolving OpenSearch $OPENSEARCH_VERSION jars with Maven into $lib"
    rm -rf "$lib"
    mkdir -p "$lib"
    local out
    out=$(JAVA_HOME=$(opensearch__java_home) mvn -q -B -f "$(opensearch__pom)" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$lib" 2>&1) \
      || { printf '%s\n' "$out" >&2; die "maven could not resolve the OpenSearch jars"; }
    printf '%s\n' "$pom_sha" >"$marker"
  fi

  launcher=$(opensearch__launcher_dir)
  if [[ ! -d $launcher ]]; then
    javac=$(opensearch__java_home)/bin/javac
    [[ -x $javac ]] || die "Java 17 JDK not found at $javac"
    log "compiling the OpenSearch launcher into $launcher"
    rm -rf "$launcher.tmp"
    mkdir -p "$launcher.tmp"
    "$javac" -nowarn -d "$launcher.tmp" -cp "$lib/*" "$(opensearch__source)" \
      || { rm -rf "$launcher.tmp"; die "could not compile $(opensearch__source)"; }
    mv "$launcher.tmp" "$launcher"
  fi
}

opensearch_health() {
  http_ok "$(opensearch__url '/_cluster/health?wait_for_status=yellow&timeout=1s')"
}

# Ready, or the process we started is gone (no point waiting any longer).
opensearch__settled() { opensearch_health || ! pid_alive "$(pid_file opensearch)"; }

opensearch_start() {
  if opensearch_health 2>/dev/null; then
    log "opensearch already healthy on :$OPENSEARCH_PORT"
    return 0
  fi
  local dir pidf
  dir=$(state_dir opensearch)
  pidf=$(pid_file opensearch)
  if ! pid_alive "$pidf"; then
    if port_open "$OPENSEARCH_PORT" || port_open "$OPENSEARCH_TRANSPORT_PORT"; then
      die "port $OPENSEARCH_PORT or $OPENSEARCH_TRANSPORT_PORT is taken by another process"
    fi
    opensearch_install
    mkdir -p "$dir/home" "$dir/data" "$dir/logs" "$dir/tmp"
    log "starting opensearch $OPENSEARCH_VERSION on :$OPENSEARCH_PORT (log: $dir/opensearch.log)"
    printf -- '---- %s starting opensearch\n' "$(date -u +%FT%TZ)" >>"$dir/opensearch.log"
    local heap
    read -r -a heap <<<"${OPENSEARCH_HEAP:--Xms512m -Xmx1g}"
    spawn opensearch "$(opensearch__java_home)/bin/java" \
      "${heap[@]}" \
      -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
      -Djava.io.tmpdir="$dir/tmp" -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
      -Djava.locale.providers=SPI,COMPAT \
      -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
      -Dio.netty.recycler.maxCapacityPerThread=0 -Dio.netty.allocator.numDirectArenas=0 \
      -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true \
      -cp "$(opensearch__home)/lib/*:$(opensearch__launcher_dir)" \
      AuditOpenSearchLauncher \
      path.home="$dir/home" path.data="$dir/data" path.logs="$dir/logs" \
      cluster.name="audit-log-${STACK_PROFILE:-dev}" node.name=audit-log-node \
      network.host=127.0.0.1 http.port="$OPENSEARCH_PORT" transport.port="$OPENSEARCH_TRANSPORT_PORT" \
      discovery.type=single-node cluster.routing.allocation.disk.threshold_enabled=false
  else
    log "opensearch is starting (pid $(<"$pidf")); waiting for it"
  fi

  wait_until 120 opensearch opensearch__settled || true
  if ! opensearch_health 2>/dev/null; then
    log "opensearch did not become healthy; last lines of $dir/opensearch.log:"
    tail -n 30 "$dir/opensearch.log" >&2 || true
    opensearch_stop
    return 1
  fi
  log "opensearch ready on :$OPENSEARCH_PORT"
}

opensearch_stop() {
  stop_pid_file opensearch 30
}
