#!/bin/bash
# Submits a whole grading run to Slurm: the job array, then a merge job that starts when every task
# has ended (afterany: a task with infrastructure errors still leaves its graded notebooks).
#
#   grader/slurm/submit.sh N SUBMISSIONS ASSIGNMENT OUT [grade options...]
#
# Prints the two job ids. Extra sbatch options go in SBATCH_OPTIONS, e.g. SBATCH_OPTIONS="--partition=short".
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 N SUBMISSIONS ASSIGNMENT OUT [grade options...]" >&2
  exit 2
fi
n=$1
out=$4
shift
here=$(cd "$(dirname "$0")" && pwd)
grader=${BERTLAB_GRADER:-npx --no-install bertlab-grader}
mkdir -p "$out"
# shellcheck disable=SC2086 # SBATCH_OPTIONS is a list of options on purpose
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array="1-$n" --output="$out/slurm-%A_%a.out" "$here/grade-array.sh" "$@")
shards=""
for k in $(seq 1 "$n"); do shards="$shards '$out/shard-$k-of-$n'"; done
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --dependency="afterany:$array" --job-name=bertlab-merge --cpus-per-task=1 --output="$out/slurm-merge-%j.out" \
  --wrap="$grader merge $shards --out '$out/merged'")
echo "array job $array ($n tasks), merge job $merge: results in $out/merged"
