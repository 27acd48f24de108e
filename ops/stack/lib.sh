# Shared helpers for the native stack scripts. Sourced, never executed.
# Conventions every ops/stack/servers/<name>.sh follows:
#   <name>_install   idempotent; builds or fetches into $STACK_CACHE_DIR/<name>-<version>, reuses it when present
#   <name>_start     starts in the background (no-op when healthy), data+logs under $STACK_STATE_DIR/<name>
#   <name>_health    exit 0 when ready to serve
#   <name>_stop      stops only the process recorded in its pid file

set -euo pipefail

STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_ROOT=$(cd "$STACK_ROOT/../.." && pwd)
: "${STACK_CACHE_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/audit-log-stack}"
export STACK_CACHE_DIR

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

state_dir() { local dir="$STACK_STATE_DIR/$1"; mkdir -p "$dir"; printf '%s' "$dir"; }
pid_file() { printf '%s/%s.pid' "$(state_dir "$1")" "$1"; }

pid_alive() {
  local file=$1
  [[ -f $file ]] || return 1
  local pid; pid=$(<"$file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s until it succeeds or time runs out.
wait_until() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then
      log "$what did not become ready within ${seconds}s"
      return 1
    fi
    sleep 0.5
  done
}

# proc_running PID: the process exists and is not a zombie. (A detached server's parent is PID 1, which
# may reap exited children only every few seconds; kill -0 still succeeds on a zombie.)
proc_running() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# stop_pid_file NAME [SECONDS]: TERM the recorded process group, KILL it after SECONDS, remove the pid file.
stop_pid_file() {
  local name=$1 seconds=${2:-20} file; file=$(pid_file "$name")
  if pid_alive "$file"; then
    local pid; pid=$(<"$file")
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + seconds))
    while proc_running "$pid" && (( SECONDS < deadline )); do sleep 0.2; done
    if proc_running "$pid"; then
      log "$name did not stop in ${seconds}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

# spawn NAME COMMAND...: runs COMMAND detached in its own session, output to $STACK_STATE_DIR/NAME/NAME.log.
spawn() {
  local name=$1; shift
  local dir; dir=$(state_dir "$name")
  setsid "$@" >>"$dir/$name.log" 2>&1 < /dev/null &
  echo $! >"$(pid_file "$name")"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

apt_install() {
  if [[ ! -f "$STACK_CACHE_DIR/.apt-updated" ]] || [[ -n $(find "$STACK_CACHE_DIR/.apt-updated" -mmin +1440 2>/dev/null) ]]; then
    mkdir -p "$STACK_CACHE_DIR"
    as_root apt-get update -qq && touch "$STACK_CACHE_DIR/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# log_tail NAME [LINES] [FILE]: prints the end of a server's log (default $STACK_STATE_DIR/NAME/NAME.log) to stderr.
log_tail() {
  local name=$1 lines=${2:-40} file=${3:-$STACK_STATE_DIR/$1/$1.log}
  if [[ -f $file ]]; then
    log "last $lines lines of $file:"
    tail -n "$lines" "$file" | sed "s/^/[$name] /" >&2
  else
    log "$name: no log at $file"
  fi
}

# await_ready NAME SECONDS COMMAND...: like wait_until, but gives up early when the process in NAME's
# pid file has exited, and prints the log tail on failure.
await_ready() {
  local name=$1 seconds=$2; shift 2
  local file; file=$(pid_file "$name")
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [[ -f $file ]] && ! pid_alive "$file"; then
      log "$name exited during start-up"
      log_tail "$name"
      return 1
    fi
    if (( SECONDS >= deadline )); then
      log "$name did not become ready within ${seconds}s"
      log_tail "$name"
      return 1
    fi
    sleep 0.5
  done
}

# ensure_port_free NAME PORT: fails when something we did not start already listens on PORT.
ensure_port_free() {
  if port_open "$2"; then
    log "$1: port $2 is already in use by a process this stack did not start"
    return 1
  fi
}

# go_install_cached NAME VERSION PACKAGE@VERSION BINARY: `go install` (static, CGO_ENABLED=0) into
# $STACK_CACHE_DIR/NAME-VERSION unless BINARY is already there. Serialised with a lock file, and waits
# for an identical `go install` that is already running instead of building twice.
go_install_cached() {
  local name=$1 version=$2 pkg=$3 bin=$4
  local dir="$STACK_CACHE_DIR/$name-$version"
  [[ -x $dir/$bin ]] && return 0
  command -v go >/dev/null || die "$name: go is not installed"
  mkdir -p "$dir"
  local waited=0
  while pgrep -f "go install .*${pkg//./\\.}" >/dev/null 2>&1; do
    (( waited == 0 )) && log "$name: waiting for a running 'go install $pkg' to finish"
    waited=1; sleep 5
  done
  [[ -x $dir/$bin ]] && return 0
  (
    flock 9
    [[ -x $dir/$bin ]] && exit 0
    log "$name: building $pkg (cold Go builds can take minutes)"
    CGO_ENABLED=0 GOBIN="$dir" go install "$pkg" >"$dir/build.log" 2>&1 \
      || { tail -n 30 "$dir/build.log" >&2; die "$name: go install $pkg failed (log: $dir/build.log)"; }
  ) 9>"$dir.lock"
  [[ -x $dir/$bin ]] || die "$name: $dir/$bin missing after go install"
}
