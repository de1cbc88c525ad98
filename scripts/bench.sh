#!/usr/bin/env bash
# The load benchmark: the release server on generated data (the demo plus a million work
# orders of MSP-A_TEST1 and nine more providers of 200,000 each), on SQLite and on PostgreSQL.
# Each page is driven with 64 connections (wrk -t2 -c64), and in the same run the very bytes it
# answered are served by a bare axum server (`server bench-static`): the ratio of the two is
# the figure that means something on any machine. Prints req/s, p50/p99 and the ratio per
# page, single-request times of searches, export rates and the server's memory.
#
#   scripts/bench.sh                 both databases, 10 s per measurement
#   BENCH_DATABASES=sqlite BENCH_SECONDS=5 BENCH_WORK_ORDERS=100000 scripts/bench.sh
source "$(dirname "$0")/common.sh"

SECONDS_EACH=${BENCH_SECONDS:-10}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
WORK_ORDERS=${BENCH_WORK_ORDERS:-1000000}
PROVIDERS=${BENCH_PROVIDERS:-9}
EACH=${BENCH_WORK_ORDERS_EACH:-200000}
PORT=3201
STATIC_PORT=3202
PG_PORT=${BENCH_PG_PORT:-55449}

use_work_dir bench

apt_install wrk curl
[ -x target/release/server ] && [ -z "${BENCH_REBUILD:-}" ] || build_release

wait_ready() {
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$1/${2:-readyz}" >/dev/null && return 0
    sleep 0.2
  done
  die "nothing answers on port $1"
}

# A PostgreSQL cluster tuned as a small production one would be (fsync on), its own port.
start_postgres() {
  apt_install postgresql
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGDATA_DIR="$WORK/pg/data"
  mkdir -p "$WORK/pg"
  is_root && chown -R postgres "$WORK/pg"
  as_postgres "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$WORK/pg/log" -w -o \
    "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_connections=100" \
    start >/dev/null
  as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
}

# Signs in through the login form (slider challenge and all) and prints the Cookie header.
sign_in() {
  local email=$1 challenge
  challenge=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/login_challenge" | tr -d '"')
  curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$PORT/api/login" \
    --data-urlencode "email=$email" --data-urlencode "password=ProviderCenter#2019" \
    --data-urlencode "challenge=$challenge" --data "slider=100&next=" |
    sed -nE 's/^[Ss]et-[Cc]ookie: (pc_session=[^;]*).*/\1/p' | head -n 1
}

# wrk's figures as "req/s p50_ms p99_ms".
wrk_figures() {
  local url=$1 cookie=$2
  wrk -t2 -c64 -d"${SECONDS_EACH}s" --timeout 10s --latency -H "Cookie: $cookie" "$url" | awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    /Socket errors:/ { timeouts = $NF }
    END {
      if (bad) rps = "errors:" bad
      else if (timeouts) rps = rps "(" timeouts "_timeouts)"
      printf "%s %.2f %.2f\n", rps, p50, p99
    }'
}

rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
peak_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# One page: fetch its bytes, then load it and the same bytes from the bare server.
measure() {
  local name=$1 path=$2 cookie=$3 type=${4:-text/html; charset=utf-8}
  local body="$WORK/page.bin" status
  # After a page that overloads the server, its queries may still be draining: wait for it.
  for _ in $(seq 1 60); do
    status=$(curl -s -o "$body" -w '%{http_code}' -m 30 -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path")
    [ "$status" = 200 ] && break
    sleep 2
  done
  [ "$status" = 200 ] || die "$path answered $status"
  BIND="127.0.0.1:$STATIC_PORT" target/release/server bench-static "$body" --content-type "$type" &
  local static_pid=$!
  wait_ready "$STATIC_PORT" ""
  read -r rps p50 p99 < <(wrk_figures "http://127.0.0.1:$PORT$path" "$cookie")
  read -r srps _ _ < <(wrk_figures "http://127.0.0.1:$STATIC_PORT$path" "$cookie")
  kill "$static_pid"
  wait "$static_pid" 2>/dev/null || true
  local ratio
  ratio=$(awk -v a="$rps" -v b="$srps" 'BEGIN { if (a + 0 > 0 && b > 0) printf "%.3f", a / b; else print "-" }')
  printf '| %s | %s | `%s` | %s | %s | %s | %s | %s | %s |\n' "$DB" "$name" "$path" "$(stat -c %s "$body")" \
    "$rps" "$p50" "$p99" "$srps" "$ratio" | tee -a "$WORK/table.md"
}

# One request alone, best of five, in ms.
single() {
  local name=$1 path=$2 cookie=$3 best=""
  for _ in 1 2 3 4 5; do
    local t
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path")
    best=$(awk -v a="$t" -v b="$best" 'BEGIN { a *= 1000; if (b == "" || a < b) print a; else print b }')
  done
  printf '| %s | %s | `%s` | %.1f ms |\n' "$DB" "$name" "$path" "$best" | tee -a "$WORK/single.md"
}

# An export downloaded whole: its lines per second and the server's peak memory growth.
export_rate() {
  local name=$1 path=$2 cookie=$3 before after t lines
  before=$(peak_mb "$SERVER_PID")
  t=$(curl -s -o "$WORK/export.bin" -w '%{time_total}' -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path")
  after=$(peak_mb "$SERVER_PID")
  case "$path" in
    *.csv) lines=$(($(wc -l <"$WORK/export.bin") - 1)) ;;
    *) lines=$(unzip -p "$WORK/export.bin" xl/worksheets/sheet1.xml 2>/dev/null | grep -o '<row ' | wc -l) ;;
  esac
  printf '| %s | %s | `%s` | %s lines | %.2f s | %.0f lines/s | +%s MB peak |\n' "$DB" "$name" "$path" \
    "$lines" "$t" "$(awk -v l="$lines" -v t="$t" 'BEGIN { print l / t }')" "$((after - before))" |
    tee -a "$WORK/exports.md"
}

for DB in $DATABASES; do
  case "$DB" in
    sqlite) url="sqlite://$WORK/bench.db" ;;
    postgres) start_postgres; url="postgres://postgres@127.0.0.1:$PG_PORT/bench" ;;
    *) die "unknown database $DB" ;;
  esac
  log "Generating data on $DB ($WORK_ORDERS work orders of MSP-A_TEST1, $PROVIDERS × $EACH more)"
  DATABASE_URL="$url" target/release/server generate --work-orders "$WORK_ORDERS" \
    --providers "$PROVIDERS" --work-orders-each "$EACH"
  log "Serving it (release build) and loading each page, then the same bytes static"
  DATABASE_URL="$url" BIND="127.0.0.1:$PORT" STORAGE_DIR="$WORK/files" RUST_LOG=info \
    target/release/server >"$WORK/server-$DB.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_ready "$PORT"
  provider=$(sign_in aku@example.com)
  operator=$(sign_in operator@example.com)
  [ -n "$provider" ] && [ -n "$operator" ] || die "signing in failed"
  order=$(curl -s -H "Cookie: $provider" "http://127.0.0.1:$PORT/orders" |
    grep -oE 'href="/orders/80[0-9]{15}"' | head -n 1 | grep -oE '80[0-9]{15}')
  bill=$(curl -s -H "Cookie: $provider" "http://127.0.0.1:$PORT/bills" |
    grep -oE 'href="/bills/[0-9]{12}"' | head -n 1 | grep -oE '[0-9]{12}')
  [ -n "$order" ] && [ -n "$bill" ] || die "no generated work order or bill found on the lists"
  older=$(curl -s -H "Cookie: $provider" "http://127.0.0.1:$PORT/audit" |
    grep -oE 'before=[0-9]+\.[0-9]+' | head -n 1)
  [ -n "$older" ] || die "no 更早 link on the audit log"
  main_provider=$(curl -s -H "Cookie: $operator" "http://127.0.0.1:$PORT/platform/orders" |
    grep -oE '<option value="[0-9]+"[^>]*>MSP-A_TEST1<' | head -n 1 | grep -oE '[0-9]+' | head -n 1)
  [ -n "$main_provider" ] || die "no MSP-A_TEST1 among the platform list's providers"

  measure "/healthz" /healthz "" "text/plain; charset=utf-8"
  measure "服务工单" /orders "$provider"
  measure "服务工单 已完成" "/orders?status=completed" "$provider"
  measure "服务工单 阶段待验收" "/orders?stage=awaiting_acceptance" "$provider"
  measure "工单详情" "/orders/$order" "$provider"
  measure "后台首页" / "$provider"
  measure "结算账单" /bills "$provider"
  measure "账单详情" "/bills/$bill" "$provider"
  measure "账单详情 第 500 页" "/bills/$bill?page=500" "$provider"
  measure "服务项" /services "$provider"
  measure "用户管理" /users "$provider"
  measure "操作日志" /audit "$provider"
  measure "操作日志 更早" "/audit?$older" "$provider"
  measure "咨询工单" "/tickets?tab=history" "$provider"
  measure "平台首页" /platform "$operator"
  measure "平台 订单录入与分发" /platform/orders "$operator"
  measure "平台 订单录入与分发 已完成" "/platform/orders?status=completed" "$operator"
  measure "平台 订单录入与分发 MSP-A_TEST1" "/platform/orders?provider=$main_provider" "$operator"
  measure "平台 账单与打款" /platform/bills "$operator"
  measure "平台 操作日志" /platform/audit "$operator"
  echo "| $DB | server memory after the pages | VmRSS $(rss_mb "$SERVER_PID") MB, peak $(peak_mb "$SERVER_PID") MB |" |
    tee -a "$WORK/memory.md"

  single "keyword, work-order number" "/orders?q=$order" "$provider"
  single "keyword, service item" "/orders?q=Bench%20item%2042" "$provider"
  single "keyword, 实施内容 (Chinese)" "/orders?q=%E7%AC%AC96%E6%9C%9F" "$provider"
  single "platform keyword, service item" "/platform/orders?q=Bench%20item%2042" "$operator"

  export_rate "bill CSV" "/bills/$bill/export.csv" "$provider"
  export_rate "bill XLSX" "/bills/$bill/export.xlsx" "$provider"
  export_rate "audit log CSV" "/audit/export.csv" "$provider"
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
done

log "Results ($(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -m))"
echo "| database | page | path | bytes | req/s | p50 ms | p99 ms | same bytes static req/s | ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
cat "$WORK/table.md"
echo
echo "| database | one request | path | best of 5 |"
echo "|---|---|---|---|"
cat "$WORK/single.md"
echo
echo "| database | export | path | size | time | rate | memory |"
echo "|---|---|---|---|---|---|---|"
cat "$WORK/exports.md"
echo
cat "$WORK/memory.md"
