#!/usr/bin/env bash
# Refreshes the RustSec advisory snapshot the test command falls back to when GitHub cannot be
# reached. Run where GitHub can be, then review `cargo deny check advisories` and deny.toml.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --depth 1 https://github.com/rustsec/advisory-db "$work/db"
date=$(git -C "$work/db" show -s --format=%cI HEAD)
(cd "$work/db" && tar --sort=name --mtime="$date" --owner=0 --group=0 --numeric-owner \
  -cJf "$OLDPWD/advisory-db.tar.xz" crates rust LICENSE.txt)
echo "$(git -C "$work/db" rev-parse HEAD) $date" >SNAPSHOT
cat SNAPSHOT
