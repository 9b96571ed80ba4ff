#!/usr/bin/env bash
# Builds the fastest `pekonode` binary for long simulations: the `large` profile (fat LTO, one
# code unit), guided by a profile of the simulator running shipped scenarios (PGO). Reports are
# byte-identical to a plain release build's; only the time differs (docs/performance.md has
# the measurements). Takes about 6 minutes on two cores.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/build-fast.sh [--out PATH] [--no-pgo]

Builds pekonode for long simulations and copies it to PATH (default: target/fast/pekonode).

  1. an instrumented build (profile `large`: fat LTO, one code unit);
  2. a short training run of shipped scenarios (1,000 nodes joining and with full views,
     a lossy and a partitioned cluster, a multi-seed run and a report with charts);
  3. the final build, optimised with the profile those runs recorded.

  --out PATH   where to put the binary
  --no-pgo     only the `large` profile, without the training (no llvm-profdata needed)

The training runs are simulations: for `pekonode node` and `pekonode cluster` (real sockets),
use the release build, whose UDP code is not compiled as cold.

PGO needs the llvm-profdata that matches rustc's LLVM: `rustup component add llvm-tools`
(a system llvm-profdata of another LLVM version cannot read rustc's profiles).
The build goes to ${CARGO_TARGET_DIR:-target}/fast/; RUSTFLAGS, if set, are kept.
EOF
}

out=""
pgo=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      [ $# -ge 2 ] || { echo "build-fast: --out needs a path" >&2; exit 2; }
      out="$2"
      shift 2
      ;;
    --no-pgo) pgo=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build-fast: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# A relative --out names a path from where the script was called, not from the repository.
case "$out" in
  "" | /*) ;;
  *) out="$PWD/$out" ;;
esac
# Fail now rather than after minutes of building.
if [ -n "$out" ] && [ ! -d "$(dirname "$out")" ]; then
  echo "build-fast: --out $out: no directory $(dirname "$out")" >&2
  exit 2
fi
case "${CARGO_TARGET_DIR:-}" in
  "" | /*) ;;
  *) export CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR" ;;
esac
cd "$(dirname "$0")/.."
work="${CARGO_TARGET_DIR:-target}/fast"
out="${out:-$work/pekonode}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
flags="${RUSTFLAGS:-}"

if [ "$pgo" = 0 ]; then
  echo "== build (profile large)"
  cargo build --profile large --locked --bin pekonode --target-dir "$work/plain"
  cp "$work/plain/large/pekonode" "$out"
  echo "built $out (profile large, no PGO)"
  exit 0
fi

host="$(rustc -vV | sed -n 's/^host: //p')"
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
  echo "build-fast: no llvm-profdata at $profdata: run \`rustup component add llvm-tools\`," \
    "or build without PGO with --no-pgo" >&2
  exit 1
fi

profiles="$work/profiles"
rm -rf "$profiles" "$work/train"
mkdir -p "$profiles" "$work/train"

echo "== 1/3 instrumented build (profile large)"
RUSTFLAGS="$flags -Cprofile-generate=$profiles" \
  cargo build --profile large --locked --bin pekonode --target-dir "$work/gen"
bin="$work/gen/large/pekonode"

echo "== 2/3 training runs"
# The profiles must land where the merge reads them, whatever the caller's environment says.
unset LLVM_PROFILE_FILE
train() {
  echo "   pekonode $*"
  "$bin" "$@" >/dev/null || {
    echo "build-fast: training run failed: pekonode $*" >&2
    exit 1
  }
}
# The loads large runs spend their time on: joins through a few contacts, and full views.
train run scenarios/scale_1000.json --until 15s
train run scenarios/advise_1000.json --until 12s
# Loss, partitions, churn and expiry; several seeds on threads; the report and its charts.
train run scenarios/lossy_network.json --out "$work/train/lossy"
train run scenarios/partition_heal.json --seeds 4 --out "$work/train/partition"
train run scenarios/quickstart.json --out "$work/train/quickstart"
"$profdata" merge -o "$work/merged.profdata" "$profiles"

echo "== 3/3 optimised build (profile large, with the profile)"
RUSTFLAGS="$flags -Cprofile-use=$work/merged.profdata" \
  cargo build --profile large --locked --bin pekonode --target-dir "$work/use"
cp "$work/use/large/pekonode" "$out"
echo "built $out (profile large, profile-guided)"
