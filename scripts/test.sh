#!/usr/bin/env bash
# The whole test suite: static checks, unit tests, then the integration suite once per Flink version
# against real local clusters. FLINK_VERSIONS (space-separated) picks the versions; the default is
# the set CI runs. Integration tests never skip: without Java or Maven they fail with the fix.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
versions="${FLINK_VERSIONS:-1.20 1.18 2.3}"

step() { printf '\n=== %s\n' "$*"; }

step "typecheck"; npx tsc -p tsconfig.json
step "lint"; npx biome check .
step "build"; npm run --silent build
step "api docs"; npx typedoc --treatWarningsAsErrors --emit none
step "unit tests"; npx vitest run --project unit
# Kubernetes end-to-end: a real kube-apiserver + kwok (built once from the Go module proxy, cached by
# version) in front of a real local Flink; once per run, on the first Flink version.
step "Kubernetes test cluster binaries"; bash test/kube-lab/build.sh
step "Kubernetes end-to-end against Flink ${versions%% *}"
FLINK_VERSION="${versions%% *}" npx vitest run --project kube
for v in $versions; do
  step "integration tests against Flink $v"
  FLINK_VERSION="$v" npx vitest run --project integration
done
step "benchmark smoke: ./dev bench --smoke (1 round; proves the suite runs, its figures decide nothing)"
node bench/run.ts --smoke
