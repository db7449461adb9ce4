#!/usr/bin/env bash
# Adds up the TRX files of one `dotnet test` run and prints the closing lines CI reads: each failed test with the
# start of its message (the projects' whole outputs come before and may be cut from a CI log's tail), then
# "Tests: N passed, N failed, N skipped".
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
  if [ "$fl" != 0 ]; then
    # A failed result's name, then the first lines of its <Message>; TRX escapes the text as XML.
    awk -v project="$(basename "$f" .trx)" '
      /<UnitTestResult / && /outcome="Failed"/ {
        match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
        gsub(/&quot;/, "\"", name); gsub(/&amp;/, "\\&", name)
        print "FAILED " project ": " name; failedResult = 1; next }
      failedResult && /<Message>/ { inMessage = 1; lines = 0; sub(/.*<Message>/, "") }
      inMessage {
        done = sub(/<\/Message>.*/, "")
        gsub(/&quot;/, "\""); gsub(/&apos;/, "\047"); gsub(/&lt;/, "<"); gsub(/&gt;/, ">"); gsub(/&amp;/, "\\&")
        if (lines++ < 8) print "    " $0
        if (done) { inMessage = 0; failedResult = 0 } }
    ' "$f"
  fi
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
