#!/usr/bin/env bash
# The whole test suite: static checks, unit tests, the package check, then the integration suite
# once per Flink version against real local clusters. Integration tests never skip: without Java or
# Maven they fail with the fix.
#
#   FLINK_VERSIONS="1.20 2.3"   the versions to run (default: every supported line, below)
#   FLINK_FULL_VERSIONS="…"     the versions that get the full integration suite; the others get the
#                               smoke set, the files named *.smoke.test.ts (default: 1.18 1.20 2.3)
#   FLINK_SUITE=full|smoke      the same suite for every version instead
#
# Each run sets FLINK_VERSION and FLINK_SUITE for the tests; the log ends with the time of each step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
versions="${FLINK_VERSIONS:-1.18 1.19 1.20 2.0 2.1 2.2 2.3}"
full_versions="${FLINK_FULL_VERSIONS:-1.18 1.20 2.3}"

timings=()
started=$SECONDS
last=$SECONDS
step() {
  [[ ${current:-} ]] && timings+=("$(printf '%-48s %5ss' "$current" $((SECONDS - last)))")
  current="$*"
  last=$SECONDS
  printf '\n=== %s\n' "$*"
}
report() {
  [[ ${current:-} ]] && timings+=("$(printf '%-48s %5ss' "$current" $((SECONDS - last)))")
  printf '\n=== time per step (total %ss)\n' $((SECONDS - started))
  printf '%s\n' "${timings[@]}"
}
trap report EXIT

step "typecheck"; npx tsc -p tsconfig.json
step "lint"; npx biome check .
step "build"; npm run --silent build
step "api docs"; npx typedoc --treatWarningsAsErrors --emit none
step "unit tests"; npx vitest run --project unit
step "package"; node scripts/pack-check.ts
# The Kubernetes end-to-end tier needs a real kube-apiserver + kwok, built once from the Go module
# proxy and cached by version (cold: ~5 min on 2 cores; cached: nothing to do).
step "Kubernetes test cluster binaries"; bash test/kube-lab/build.sh
for v in $versions; do
  suite="${FLINK_SUITE:-}"
  [[ $suite ]] || { [[ " $full_versions " == *" $v "* ]] && suite=full || suite=smoke; }
  [[ $suite == full || $suite == smoke ]] || { echo "FLINK_SUITE must be full or smoke, got $suite" >&2; exit 2; }
  step "integration tests ($suite) against Flink $v"
  FLINK_VERSION="$v" FLINK_SUITE="$suite" npx vitest run --project "$([[ $suite == full ]] && echo integration || echo smoke)"
  if [[ $suite == full ]]; then
    # A real kube-apiserver + kwok in front of this version's real local Flink.
    step "Kubernetes end-to-end against Flink $v"
    FLINK_VERSION="$v" npx vitest run --project kube
  fi
done
step "benchmark smoke: ./dev bench --smoke (1 round; proves the suite runs, its figures decide nothing)"
node bench/run.ts --smoke
