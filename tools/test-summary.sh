#!/usr/bin/env bash
# Adds up the TRX files of one `dotnet test` run and prints the closing line CI reads: "N passed, N failed".
set -euo pipefail
dir=${1:-artifacts/test-results}
passed=0; failed=0; skipped=0
shopt -s nullglob
for f in "$dir"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  fl=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  t=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  e=$(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + fl)); skipped=$((skipped + t - e))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
