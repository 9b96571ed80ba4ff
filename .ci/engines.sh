#!/usr/bin/env bash
# Real batch engines on this machine: GNU parallel, then a one-node Slurm on localhost (a job
# array and a dependent merge job), each run a small sweep as shards; `pekonode merge` of their
# unit results must equal the single-process sweep byte for byte. An engine that cannot run
# fails this script (and CI) loudly: nothing is skipped.
# usage: .ci/engines.sh PATH_TO_PEKONODE
set -euo pipefail
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
scenario="$here/engines_sweep.json"
work=$(mktemp -d /tmp/pekonode-engines.XXXXXX)
chmod 755 "$work"
slurm_started=0
cleanup() {
  if [ "$slurm_started" = 1 ]; then "$here/slurm-down.sh" || true; fi
}
trap cleanup EXIT

fail() { echo "engines: $*" >&2; exit 1; }

echo "engines: single-process sweep"
"$bin" sweep "$scenario" --out "$work/single" >/dev/null

echo "engines: GNU parallel, 3 shards"
command -v parallel >/dev/null || fail "GNU parallel is not installed"
SECONDS=0
seq 0 2 | parallel --halt now,fail=1 "$bin" sweep "$scenario" --shard {}/3 --out "$work/parallel" \
  >/dev/null
"$bin" merge "$work/parallel" --out "$work/parallel-merged" >/dev/null
diff -r "$work/single" "$work/parallel-merged" || fail "GNU parallel: merged report differs"
echo "engines: GNU parallel ok (${SECONDS} s)"

echo "engines: GNU parallel, check of two shipped scenarios in 2 shards, then --from"
checked=("$here/../scenarios/quickstart.json" "$here/../scenarios/crash_detection.json")
seq 0 1 | parallel --halt now,fail=1 "$bin" check "${checked[@]}" --shard {}/2 --out "$work/check" \
  >/dev/null
"$bin" check "${checked[@]}" --from "$work/check" >"$work/check-from.txt" \
  || { cat "$work/check-from.txt" >&2; fail "check --from of the shards failed"; }
"$bin" check "${checked[@]}" >"$work/check-whole.txt" || fail "check of the whole failed"
diff "$work/check-whole.txt" "$work/check-from.txt" || fail "check --from says otherwise than check"

echo "engines: Slurm on localhost, a 3-task array and a dependent merge"
for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (slurm-wlm, munge)"
done
conf=$("$here/slurm-up.sh" "$work") || fail "Slurm did not start"
slurm_started=1
export SLURM_CONF=$conf
array=$(sbatch --parsable --array=0-2 --output="$work/slurm-%A_%a.out" \
  --wrap "$bin sweep $scenario --out $work/slurm") || fail "sbatch of the array failed"
merge=$(sbatch --parsable --dependency=afterok:"$array" --output="$work/slurm-merge.out" \
  --wrap "$bin merge $work/slurm --out $work/slurm-merged") || fail "sbatch of the merge failed"
deadline=$(( $(date +%s) + 300 ))
while [ -n "$(squeue -h 2>/dev/null)" ]; do
  if squeue -h -o '%r' 2>/dev/null | grep -q DependencyNeverSatisfied; then
    cat "$work"/slurm-*.out >&2 || true
    fail "an array task failed: the merge job can never run"
  fi
  [ "$(date +%s)" -lt "$deadline" ] || { squeue >&2; fail "Slurm jobs still queued after 300 s"; }
  sleep 0.5
done
[ -d "$work/slurm-merged" ] || { cat "$work"/slurm-*.out >&2 || true; fail "the merge job wrote nothing"; }
diff -r "$work/single" "$work/slurm-merged" || fail "Slurm: merged report differs"
echo "engines: Slurm ok (array $array, merge $merge)"
# Stop Slurm while its state directory still exists, then clean up.
"$here/slurm-down.sh"
slurm_started=0
rm -rf "$work"
