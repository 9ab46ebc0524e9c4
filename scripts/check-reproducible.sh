#!/usr/bin/env bash
# The packages rebuild to the same bytes.
#
# 1. Two clean builds: copies this working tree (tracked files plus new ones git does not ignore)
#    once, then into two fresh directories at different paths, each with its own time zone and
#    umask; installs with `npm ci --ignore-scripts` (no package runs code at install time) and runs
#    `wxt build`, `wxt zip` and `wxt zip -b firefox` in each, some time apart. Every file of
#    .output/chrome-mv3 and .output/firefox-mv3 and the three zips (Chrome, Firefox, sources) must
#    be byte-identical.
# 2. What Firefox's reviewers do: unpacks the first build's sources zip into a third place (no git,
#    no SOURCE_DATE_EPOCH variable: the date comes from the file in the zip), `npm ci`, then
#    `wxt zip -b firefox`; its Firefox zip (and sources zip) must be the same bytes again.
#
# Zip entries carry SOURCE_DATE_EPOCH: the variable if set, else the last commit's date
# (scripts/reproducible-zip.ts). Exits 0 when everything matches.
#
#   scripts/check-reproducible.sh            # uses the npm cache as it is
#   KEEP=1 scripts/check-reproducible.sh     # leaves the trees in place for a look
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kkm-repro-XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
ZIPTOOL=("$ROOT/node_modules/.bin/tsx" "$ROOT/scripts/reproducible-zip.ts")

# The copies have no .git: hand them the commit's date, as `npm run zip` in the repository would use.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 315532800)
fi
export SOURCE_DATE_EPOCH

# sums <dir>: a SHA-256 of every file under it, sorted by name.
sums() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }

# build <dir> <time zone> <umask>: copy the snapshot, install, build, zip (Chrome; Firefox and the sources).
build() {
  local dir=$1 tz=$2 mask=$3 rc
  set +e # (a subshell run as `( … ) || …` would ignore set -e inside it)
  (
    set -e
    umask "$mask"
    export TZ=$tz
    mkdir -p "$dir"
    cp -R "$SNAPSHOT/." "$dir" # new files and folders, under this umask
    cd "$dir"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$dir.install.log" 2>&1
    npx --no-install wxt build >"$dir.build.log" 2>&1
    sums .output/chrome-mv3 >"$dir.chrome.sums"
    # Each zip builds again, then WXT's zip hooks rewrite the zip (wxt.config.ts).
    npx --no-install wxt zip >"$dir.zip.log" 2>&1
    npx --no-install wxt zip -b firefox >>"$dir.zip.log" 2>&1
    sums .output/firefox-mv3 >"$dir.firefox.sums"
    (cd .output && sha256sum ./*.zip) >"$dir.zips"
  )
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "the build in $dir failed; the end of its logs:" >&2
    tail -n 30 "$dir".*.log >&2
    exit 1
  fi
}

# same <what> <first file> <second file>: diff, or explain and fail.
same() {
  if ! diff -u "$2" "$3"; then
    echo "NOT reproducible: $1 differ (lines above)" >&2
    exit 1
  fi
}

# explain <zip> <zip>: entry by entry, what differs between two zips.
explain() { diff -u <("${ZIPTOOL[@]}" list "$1") <("${ZIPTOOL[@]}" list "$2") || true; }

# One snapshot of the working tree, so both builds start from the same sources even while people edit:
# what the lead would commit, tracked files and untracked ones that .gitignore does not exclude.
SNAPSHOT=$WORK/snapshot
mkdir -p "$SNAPSHOT"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard | (cd "$ROOT" && xargs -0 cp --parents -t "$SNAPSHOT" 2>/dev/null || true)

FIRST=$WORK/first-build
SECOND=$WORK/second/build-in-another-place
echo "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH ($(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S UTC'))"
echo "building twice under $WORK ..."
build "$FIRST" UTC 022
sleep 2 # at least one tick of a zip entry's 2-second clock between the builds
build "$SECOND" Pacific/Chatham 077

same "files in .output/chrome-mv3" "$FIRST.chrome.sums" "$SECOND.chrome.sums"
same "files in .output/firefox-mv3" "$FIRST.firefox.sums" "$SECOND.firefox.sums"
if ! diff -u "$FIRST.zips" "$SECOND.zips"; then
  for zip in "$FIRST"/.output/*.zip; do explain "$zip" "$SECOND/.output/$(basename "$zip")"; done
  echo "NOT reproducible: the zips differ (lines above)" >&2
  exit 1
fi
[ "$(wc -l <"$FIRST.zips")" -eq 3 ] || {
  echo "expected 3 zips (Chrome, Firefox, sources), found: $(cat "$FIRST.zips")" >&2
  exit 1
}
echo "reproducible: $(wc -l <"$FIRST.chrome.sums") files in chrome-mv3, $(wc -l <"$FIRST.firefox.sums") in firefox-mv3, and the zips, byte-identical in both builds:"
sed 's/^/  /' "$FIRST.zips"

# ---- 2. Firefox's reviewers: rebuild from the sources zip ----
sources=$(ls "$FIRST"/.output/*-sources.zip)
firefox=$(ls "$FIRST"/.output/*-firefox.zip)
REVIEW=$WORK/reviewer/$(basename "$sources" .zip)
echo "rebuilding the Firefox zip from $(basename "$sources") in $REVIEW ..."
mkdir -p "$REVIEW"
"${ZIPTOOL[@]}" unpack "$sources" "$REVIEW" >/dev/null
if command -v unzip >/dev/null; then unzip -tq "$sources" >/dev/null; fi # a standard tool reads it too
set +e
(
  set -e
  unset SOURCE_DATE_EPOCH # the date must come from the SOURCE_DATE_EPOCH file in the zip
  umask 027
  export TZ=America/St_Johns
  cd "$REVIEW"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$REVIEW.install.log" 2>&1
  npx --no-install wxt zip -b firefox >"$REVIEW.zip.log" 2>&1
)
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "the rebuild from the sources zip failed; the end of its logs:" >&2
  tail -n 30 "$REVIEW".*.log >&2
  exit 1
fi
digest() { sha256sum "$1" | cut -d' ' -f1; }
for zip in "$firefox" "$sources"; do
  again=$REVIEW/.output/$(basename "$zip")
  if [ "$(digest "$zip")" != "$(digest "$again")" ]; then
    explain "$zip" "$again"
    sha256sum "$zip" "$again" >&2
    echo "NOT reproducible: $(basename "$zip") made from the unpacked sources differs (lines above)" >&2
    exit 1
  fi
done
echo "reproducible from the sources zip: the reviewers' Firefox zip is the same bytes:"
(cd "$REVIEW/.output" && sha256sum ./*.zip) | sed 's/^/  /'
