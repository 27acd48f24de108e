# ensure_node_deps: installs the locked npm dependencies when node_modules is missing or stale.
ensure_node_deps() {
  local root=$1
  if [[ ! -f $root/node_modules/.package-lock.json || $root/package-lock.json -nt $root/node_modules/.package-lock.json ]]; then
    log "installing npm dependencies"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
