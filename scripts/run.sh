#!/usr/bin/env bash
# Builds Provider Center and serves it on SQLite with the demo data (the manual's records).
source "$(dirname "$0")/common.sh"
# The CJK font bill PDFs embed (BILL_FONT); without it the portal runs, PDFs answer 503.
(apt_install fonts-wqy-microhei) || log "continuing without the bill font"
build_release
export DATABASE_URL="${DATABASE_URL:-sqlite://data/provider-center.db}"
log "Starting on $DATABASE_URL"
exec target/release/server --demo
