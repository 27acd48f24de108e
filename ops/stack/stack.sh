#!/usr/bin/env bash
# Native stack dispatcher (no Docker).
#   bash ops/stack/stack.sh <profile> <install|start|stop|status> [server ...]
# profile: a file ops/stack/profiles/<profile>.env (every variable in it is exported).
# servers: default, in start order: postgres redis elasticmq versitygw opensearch temporal.
#   install  installs/builds each server one after another (cached in $STACK_CACHE_DIR)
#   start    installs what is missing, then launches all servers at once and waits for each one's health
#   stop     stops in reverse order, only processes this stack recorded
#   status   one line per server: name, up/down, port(s); exit 1 when any is down
# Exits non-zero on failure and names the servers that failed.

set -euo pipefail
# shellcheck source=ops/stack/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

(( $# >= 2 )) || usage
profile=$1 action=$2; shift 2
profile_file="$STACK_ROOT/profiles/$profile.env"
[[ -f $profile_file ]] || die "unknown profile '$profile' (no $profile_file)"
set -a
# shellcheck source=/dev/null
source "$profile_file"
set +a
[[ -n ${STACK_STATE_DIR:-} ]] || die "$profile_file does not set STACK_STATE_DIR"
mkdir -p "$STACK_STATE_DIR"

for f in "$STACK_ROOT"/servers/*.sh; do
  [[ -e $f ]] || continue
  # shellcheck source=/dev/null
  source "$f"
done

DEFAULT_SERVERS=(postgres redis elasticmq versitygw opensearch temporal)
if (( $# > 0 )); then requested=("$@"); else requested=("${DEFAULT_SERVERS[@]}"); fi

# Keep only servers whose four functions are defined (warn about the rest).
servers=()
for s in "${requested[@]}"; do
  missing=()
  for fn in install start health stop; do
    declare -F "${s}_$fn" >/dev/null || missing+=("${s}_$fn")
  done
  if (( ${#missing[@]} )); then
    if (( $# > 0 )); then die "$s: not defined (missing ${missing[*]})"; fi
    log "warning: skipping $s (ops/stack/servers/$s.sh missing or incomplete: ${missing[*]})"
    continue
  fi
  servers+=("$s")
done
(( ${#servers[@]} )) || die "no servers to $action"

ports_of() {
  local s=$1
  if declare -F "${s}_ports" >/dev/null; then "${s}_ports"; return; fi
  local var="${s^^}_PORT"
  printf '%s' "${!var:-?}"
}

fail() { die "$action failed for: $*"; }

do_install() {
  local failed=() s t0
  for s in "${servers[@]}"; do
    t0=$SECONDS
    # A background subshell keeps `set -e` in force inside the function (a subshell used directly
    # as an `if`/`||` operand would run with errexit ignored).
    ( "${s}_install" ) &
    if wait $!; then log "$s: ready ($((SECONDS - t0))s)"; else failed+=("$s"); fi
  done
  (( ${#failed[@]} == 0 )) || fail "${failed[@]}"
}

do_start() {
  do_install
  local t0=$SECONDS s failed=()
  declare -A pids=()
  # Each <name>_start launches its server and then polls its own health with a deadline; running
  # them side by side means the slow ones (JVMs, Temporal) boot concurrently.
  for s in "${servers[@]}"; do
    ( "${s}_start" ) &
    pids[$s]=$!
  done
  for s in "${servers[@]}"; do
    wait "${pids[$s]}" || failed+=("$s")
  done
  (( ${#failed[@]} == 0 )) || fail "${failed[@]}"
  log "all up in $((SECONDS - t0))s: ${servers[*]} (profile $profile)"
}

do_stop() {
  local i s failed=()
  for (( i = ${#servers[@]} - 1; i >= 0; i-- )); do
    s=${servers[i]}
    ( "${s}_stop" ) &
    wait $! || failed+=("$s")
  done
  (( ${#failed[@]} == 0 )) || fail "${failed[@]}"
}

do_status() {
  local s state down=()
  for s in "${servers[@]}"; do
    ( "${s}_health" ) >/dev/null 2>&1 &
    if wait $!; then state=up; else state=down; down+=("$s"); fi
    printf '%-10s %-4s %s\n' "$s" "$state" "$(ports_of "$s")"
  done
  (( ${#down[@]} == 0 )) || { log "down: ${down[*]}"; return 1; }
}

case $action in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
