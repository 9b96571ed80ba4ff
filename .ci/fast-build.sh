#!/usr/bin/env bash
# The `large` profile that scripts/build-fast.sh builds must write the very reports the reference
# build writes (release, or the test profile `quick`, whose reports are the committed ones): build it (without the profile-guided step, which needs rustup's llvm-tools) and
# compare two scenarios' report directories byte for byte.
# Usage: .ci/fast-build.sh REFERENCE_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
release="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bash scripts/build-fast.sh --no-pgo --out "$work/pekonode-large" >"$work/build.log" 2>&1 || {
  tail -20 "$work/build.log" >&2
  echo "fast-build: scripts/build-fast.sh --no-pgo failed" >&2
  exit 1
}

for scenario in quickstart lossy_network; do
  for build in release large; do
    bin="$release"
    [ "$build" = large ] && bin="$work/pekonode-large"
    # The same --out path for both: a report may name where it was written.
    rm -rf "$work/out"
    "$bin" run "scenarios/$scenario.json" --out "$work/out" >"$work/$scenario-$build.txt"
    mv "$work/out" "$work/$scenario-$build"
  done
  if ! diff -r "$work/$scenario-release" "$work/$scenario-large" >/dev/null ||
    ! cmp -s "$work/$scenario-release.txt" "$work/$scenario-large.txt"; then
    echo "fast-build: $scenario: the large profile's report differs from the reference build's" >&2
    exit 1
  fi
  echo "   $scenario: identical ($(ls "$work/$scenario-large" | wc -l) files and the table)"
done
