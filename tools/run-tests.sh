#!/usr/bin/env bash
# make test: every test project of the solution, several at once. `dotnet test DriftJobs.sln` runs the projects one
# after another, and most of their time goes to waiting (on Azurite, on processes they start, on timeouts under test),
# not to the CPU. Runs the solution's already built test projects, the longest first, TEST_JOBS at a time; each writes
# its TRX file and its console output to the results folder; the outputs are printed whole once all have ended.
#   tools/run-tests.sh RESULTS_DIR [dotnet test options without spaces in their values...]
set -uo pipefail
cd "$(dirname "$0")/.."
results=$1
shift
jobs=${TEST_JOBS:-3}
mkdir -p "$results"

# The slowest first, so it is not the one left running alone at the end.
mapfile -t projects < <(dotnet sln DriftJobs.sln list | grep -E '^tests/.*\.Tests\.csproj$' |
  awk '{ print (index($0, "Jobs.Tests") ? 0 : index($0, "InferenceLogger.Tests") ? 1 : 2) "\t" $0 }' | sort | cut -f2)
[ ${#projects[@]} -gt 0 ] || { echo "run-tests: no test projects in DriftJobs.sln" >&2; exit 1; }

export RUN_TESTS_RESULTS=$results RUN_TESTS_ARGS="$*"
run_one() {
  local project=$1 name args
  name=$(basename "$project" .csproj)
  read -ra args <<<"$RUN_TESTS_ARGS"
  local started=$SECONDS
  dotnet test "$project" --no-build --results-directory "$RUN_TESTS_RESULTS" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" "${args[@]}" >"$RUN_TESTS_RESULTS/$name.log" 2>&1
  local status=$?
  echo "$status" >"$RUN_TESTS_RESULTS/$name.status"
  echo "run-tests: $name finished in $((SECONDS - started)) s (exit $status)"
}
export -f run_one

printf '%s\0' "${projects[@]}" | xargs -0 -n1 -P "$jobs" bash -c 'run_one "$1"' _

# Each project's output whole, in a fixed order, after all have ended (printed as they ran they would interleave).
failed=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  cat "$results/$name.log"
  status=$(cat "$results/$name.status" 2>/dev/null || echo missing)
  if [ "$status" != 0 ]; then
    failed=1
  fi
done

for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  status=$(cat "$results/$name.status" 2>/dev/null || echo missing)
  [ "$status" = 0 ] || echo "run-tests: $name exited $status" >&2
done
exit $failed
