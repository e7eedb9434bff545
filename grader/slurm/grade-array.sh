#!/bin/bash
# Grades one slice of a class as one task of a Slurm job array; `bertlab-grader merge` combines them.
#
#   sbatch --array=1-N grader/slurm/grade-array.sh SUBMISSIONS ASSIGNMENT OUT [grade options...]
#   # when every task is done (or as a dependent job, see submit.sh):
#   npx bertlab-grader merge OUT/shard-*-of-N --out OUT/merged
#
# Task k of N grades `--shard k/N` (students split by a hash of their id, so the slices are disjoint
# and stable) into OUT/shard-k-of-N. A task that ends with exit code 3 left infrastructure errors:
# resubmit the same task (sbatch --array=k ...); it grades only what is missing.
#
# The #SBATCH lines are defaults; options given to sbatch override them. Each kernel needs about one
# core and up to 2 GiB; --jobs follows --cpus-per-task.
#SBATCH --job-name=bertlab-grade
#SBATCH --cpus-per-task=2
#SBATCH --mem-per-cpu=2G
#SBATCH --time=02:00:00
#SBATCH --output=bertlab-grade-%A_%a.out
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: sbatch --array=1-N $0 SUBMISSIONS ASSIGNMENT OUT [grade options...]" >&2
  exit 2
fi
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  echo "$0: not running as a job-array task; submit it with sbatch --array=1-N" >&2
  exit 2
fi
submissions=$1
assignment=$2
out=$3
shift 3

k=$SLURM_ARRAY_TASK_ID
# SLURM_ARRAY_TASK_COUNT is the number of tasks; the ids must run 1..N for --shard k/N.
n=${SLURM_ARRAY_TASK_COUNT:-$((SLURM_ARRAY_TASK_MAX - SLURM_ARRAY_TASK_MIN + 1))}
if [ "${SLURM_ARRAY_TASK_MIN:-1}" != 1 ] || [ "${SLURM_ARRAY_TASK_MAX:-$n}" != "$n" ]; then
  echo "$0: submit with --array=1-N (got ${SLURM_ARRAY_TASK_MIN}-${SLURM_ARRAY_TASK_MAX}); to rerun one task, set BERTLAB_SHARDS=N and use --array=k" >&2
  [ -n "${BERTLAB_SHARDS:-}" ] || exit 2
fi
n=${BERTLAB_SHARDS:-$n}

# The grader to run: the course's own by default; BERTLAB_GRADER overrides (e.g. "node /opt/bertlab/grader/bin/bertlab-grader.js").
grader=${BERTLAB_GRADER:-npx --no-install bertlab-grader}
echo "bertlab-grade: task $k of $n on $(hostname), ${SLURM_CPUS_PER_TASK:-1} cpus"
# shellcheck disable=SC2086 # $grader is a command line on purpose
exec $grader grade "$submissions" --assignment "$assignment" --out "$out/shard-$k-of-$n" --shard "$k/$n" --jobs "${SLURM_CPUS_PER_TASK:-1}" "$@"
