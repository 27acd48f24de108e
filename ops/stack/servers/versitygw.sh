# versitygw v1.7.0 (S3 gateway, posix backend) on $VERSITYGW_PORT; objects under $(state_dir versitygw)/data.
# Root credentials: S3_ACCESS_KEY / S3_SECRET_KEY (defaults auditlocal / auditlocalsecret).

VERSITYGW_VERSION=1.7.0
VERSITYGW_BIN="$STACK_CACHE_DIR/versitygw-$VERSITYGW_VERSION/versitygw"

versitygw_ports() { printf '%s' "$VERSITYGW_PORT"; }

versitygw_install() {
  go_install_cached versitygw "$VERSITYGW_VERSION" \
    "github.com/versity/versitygw/cmd/versitygw@v$VERSITYGW_VERSION" versitygw
}

versitygw_health() {
  http_ok "http://127.0.0.1:$VERSITYGW_PORT/health"
}

# True when the filesystem holding DIR supports user.* extended attributes (posix metadata needs them).
_versitygw_has_xattrs() {
  local probe="$1/.xattr-probe"
  : >"$probe"
  local ok=1
  if command -v python3 >/dev/null; then
    python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.vgw.probe", b"1")' "$probe" 2>/dev/null && ok=0
  elif command -v setfattr >/dev/null; then
    setfattr -n user.vgw.probe -v 1 "$probe" 2>/dev/null && ok=0
  fi
  rm -f "$probe"
  return $ok
}

versitygw_start() {
  local dir; dir=$(state_dir versitygw)
  [[ -x $VERSITYGW_BIN ]] || die "versitygw: $VERSITYGW_BIN missing; run install first"
  if pid_alive "$(pid_file versitygw)"; then
    if versitygw_health; then log "versitygw: already up on $VERSITYGW_PORT"; return 0; fi
  else
    ensure_port_free versitygw "$VERSITYGW_PORT" || return 1
    mkdir -p "$dir/data" "$dir/iam"
    local posix_opts=()
    # VERSITYGW_SIDECAR=1 forces the sidecar even where xattrs work.
    if [[ ${VERSITYGW_SIDECAR:-0} == 1 ]] || ! _versitygw_has_xattrs "$dir/data"; then
      log "versitygw: keeping object metadata in a sidecar directory ($dir/meta; no user xattrs or VERSITYGW_SIDECAR=1)"
      mkdir -p "$dir/meta"
      posix_opts=(--sidecar "$dir/meta")
    fi
    ROOT_ACCESS_KEY="${S3_ACCESS_KEY:-auditlocal}" ROOT_SECRET_KEY="${S3_SECRET_KEY:-auditlocalsecret}" \
      spawn versitygw "$VERSITYGW_BIN" --port "127.0.0.1:$VERSITYGW_PORT" --health /health --quiet \
        --iam-dir "$dir/iam" posix "${posix_opts[@]}" "$dir/data"
  fi
  await_ready versitygw 30 versitygw_health || return 1
  log "versitygw: up on http://127.0.0.1:$VERSITYGW_PORT"
}

versitygw_stop() {
  if pid_alive "$(pid_file versitygw)"; then
    stop_pid_file versitygw 15
    log "versitygw: stopped"
  fi
  rm -f "$(pid_file versitygw)"
}
