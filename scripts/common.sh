# Shared by run.sh and test.sh: installs the pinned build tools where missing and builds the
# release portal. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/scripts/node_modules/.bin:$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14

log() { printf '\n\033[1m==> %s\033[0m (%d s in)\n' "$*" "$SECONDS"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Clear errors up front for a toolchain too old to build or test this, not half an hour in.
MIN_RUST_MINOR=95 # rustc 1.95
MIN_NODE=20
require_toolchain() {
  command -v cargo >/dev/null || die "Rust (cargo) is required: https://rustup.rs"
  command -v node >/dev/null || die "Node.js $MIN_NODE or newer (with npm) is required"
  local major minor node
  read -r major minor < <(rustc --version | sed -E 's/^rustc ([0-9]+)\.([0-9]+).*/\1 \2/')
  if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt "$MIN_RUST_MINOR" ]; }; then
    die "rustc 1.$MIN_RUST_MINOR or newer is required (found $(rustc --version)): rustup update"
  fi
  node=$(node -p 'process.versions.node.split(".")[0]')
  [ "$node" -ge "$MIN_NODE" ] || die "Node.js $MIN_NODE or newer is required (found $(node --version))"
}
require_toolchain

# initdb refuses to run as root: as root the cluster belongs to the postgres user.
as_postgres() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A scratch folder for this run ($WORK) with what the run starts in it: the processes in $PIDS
# and a PostgreSQL cluster in $PGDATA_DIR are stopped, and the folder removed, at exit.
use_work_dir() {
  WORK=$(mktemp -d "/tmp/provider-center-$1.XXXXXX")
  chmod 711 "$WORK" # the postgres user needs to reach its cluster inside
  PIDS=()
  trap stop_work EXIT
}
stop_work() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "${PGDATA_DIR:-}" ] && [ -d "$PGDATA_DIR" ]; then
    as_postgres "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}

# Installs Debian packages that are missing; only root can, anyone else is told what to do.
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  is_root || die "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
  log "Installing ${missing[*]} (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The wasm-bindgen version Cargo.lock resolved; the CLI must be exactly that.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

# npm packages of a folder, installed from its lockfile when missing or changed.
npm_install() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "Installing npm packages in $dir"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_build_tools() {
  command -v cargo >/dev/null || die "Rust (cargo) is required: https://rustup.rs"
  command -v npm >/dev/null || die "Node.js with npm is required"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    log "Installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
  local wbv
  wbv=$(wasm_bindgen_version)
  [ -n "$wbv" ] || die "wasm-bindgen not found in Cargo.lock"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbv\$"; then
    log "Installing wasm-bindgen-cli $wbv"
    # Not --locked: its lockfile names a crate the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$wbv"
  fi
  npm_install scripts # wasm-opt (binaryen), which Trunk runs
}

# The hydrate bundle and stylesheet (Trunk, release, into target/site/pkg).
build_bundle() {
  ensure_build_tools
  log "Building the browser bundle (Trunk, release)"
  trunk build --release
  node scripts/bundle-size.mjs target/site/pkg
}

# The bundle and the server binary, from the same checkout so that server-function URLs match.
build_release() {
  build_bundle
  log "Building the server (release)"
  cargo build --locked -p server --release
}
