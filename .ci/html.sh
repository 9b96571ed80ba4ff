#!/usr/bin/env bash
# report.html in a real browser: headless Chromium opens a fresh quickstart report offline
# (file://, every host name unresolvable), with the playback started (#play). Fails unless the
# page logs nothing on the console and counts no script error (data-errors="0"), the playback
# moved (data-frame past 1 node), and its screenshot is far from blank (several times the size
# of a blank page's, taken the same way).
# usage: .ci/html.sh PATH_TO_PEKONODE [SCREENSHOT.png]
set -euo pipefail
bin=$(realpath "$1")
shot_out=${2:-}
cd "$(dirname "$0")/.."
fail() { echo "html: $*" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed (Debian package chromium)"
work=$(mktemp -d /tmp/pekonode-html.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$bin" run scenarios/quickstart.json --out "$work/report" >/dev/null
page="file://$work/report/report.html"
chrome() {
  # --no-sandbox: CI runs as root. --virtual-time-budget lets the page's timers run before
  # the DOM is dumped or the screenshot taken.
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
    --host-resolver-rules="MAP * ~NOTFOUND" --hide-scrollbars --window-size=1280,1500 \
    --virtual-time-budget=2500 "$@"
}

chrome --enable-logging=stderr --v=0 --dump-dom "$page#play" >"$work/dom.html" 2>"$work/console.txt" \
  || fail "chromium failed: $(tail -5 "$work/console.txt")"
if grep -a "CONSOLE" "$work/console.txt" >&2; then
  fail "the page wrote on the console (above)"
fi
grep -q '<html lang="en" data-errors="0"' "$work/dom.html" \
  || fail "script errors: $(grep -o 'data-error-text="[^"]*"' "$work/dom.html" || echo '?')"
frame=$(grep -o 'id="playback" data-frame="[0-9]*"' "$work/dom.html" | head -1 | grep -o '[0-9]*"$' | tr -d '"')
[ -n "$frame" ] || fail "no playback in the page"
[ "$frame" -gt 1 ] || fail "the playback did not move (data-frame=$frame)"
status=$(grep -o 'id="pb-status">[^<]*' "$work/dom.html" | head -1 | cut -d'>' -f2)
echo "html: page loaded offline, no console message, playback at: $status"

chrome --screenshot="$work/shot.png" "$page#play" >/dev/null 2>&1 || fail "no screenshot"
chrome --screenshot="$work/blank.png" "about:blank" >/dev/null 2>&1 || fail "no blank screenshot"
shot=$(stat -c %s "$work/shot.png")
blank=$(stat -c %s "$work/blank.png")
[ "$shot" -gt $((blank * 4)) ] || fail "the screenshot looks blank ($shot bytes, a blank page $blank)"
echo "html: screenshot $shot bytes (a blank page: $blank)"
if [ -n "$shot_out" ]; then cp "$work/shot.png" "$shot_out"; fi
