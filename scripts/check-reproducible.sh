#!/usr/bin/env bash
# Two clean builds, byte for byte: copies this working tree (tracked files plus new ones git does not
# ignore) into two fresh directories with different paths, installs with `npm ci --ignore-scripts`
# (no package runs code at install time), builds the Chrome extension in each, and compares a SHA-256
# of every file in .output/chrome-mv3. Exits 0 when they are identical.
#
#   scripts/check-reproducible.sh            # uses the npm cache as it is
#   KEEP=1 scripts/check-reproducible.sh     # leaves the two trees in place for a look
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kkm-repro-XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$WORK"' EXIT

build() {
  local dir=$1
  mkdir -p "$dir"
  # What the lead would commit: tracked files and untracked ones that .gitignore does not exclude.
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard | (cd "$ROOT" && xargs -0 cp --parents -t "$dir" 2>/dev/null || true)
  (
    cd "$dir"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$dir.install.log" 2>&1
    npx --no-install wxt build >"$dir.build.log" 2>&1
    cd .output/chrome-mv3 && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) >"$dir.sums"
}

echo "building twice under $WORK ..."
build "$WORK/first-build"
build "$WORK/second/build-in-another-place"
files=$(wc -l <"$WORK/first-build.sums")
if diff -u "$WORK/first-build.sums" "$WORK/second/build-in-another-place.sums"; then
  echo "reproducible: $files files in .output/chrome-mv3, byte-identical in both builds"
  sha256sum "$WORK/first-build.sums" | cut -d' ' -f1 | sed 's/^/digest of the file list: /'
else
  echo "NOT reproducible: the lines above differ" >&2
  exit 1
fi
