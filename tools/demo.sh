#!/usr/bin/env bash
# make demo: the whole pipeline on a local, in-memory Azurite with synthetic data.
#   driftctl simulate → baseline job → drift detector → the summary and latest.json.
# SCENARIO=none|covariate-shift|categorical-shift|missing-values|schema-change|concept-drift (default covariate-shift)
#   concept-drift: the features keep their training distribution, the true labels change (accuracy 0.93 → 0.72).
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${SCENARIO:-covariate-shift}
CONFIGURATION=${CONFIGURATION:-Release}
AZURITE=tools/azurite/node_modules/.bin/azurite-blob
log=$(mktemp)
output=$(mktemp)

cleanup() {
  if [ -n "${azurite_pid:-}" ]; then kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; fi
  rm -f "$log" "$output"
}
trap cleanup EXIT

echo "== Building"
for project in src/DriftJobs.Cli src/DriftJobs.Baseline src/DriftJobs.Detector; do
  dotnet build "$project" -c "$CONFIGURATION" --nologo -v quiet
done

echo "== Starting Azurite (in memory, loopback)"
"$AZURITE" --inMemoryPersistence --blobHost 127.0.0.1 --blobPort 0 --skipApiVersionCheck --loose >"$log" 2>&1 &
azurite_pid=$!
for _ in $(seq 1 100); do
  port=$(sed -nE 's#.*listens on https?://[^:]+:([0-9]+).*#\1#p' "$log" | head -n1)
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "${port:-}" ] || { echo "Azurite did not start:"; cat "$log"; exit 1; }
# Azurite's well-known development account: not a secret.
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
export DRIFT_CONTAINER=model-monitoring MODEL_NAME=fraud-detector MODEL_VERSION=1
end=$(date -u +%Y-%m-%dT%H:00:00Z)
run() { dotnet run --no-build -c "$CONFIGURATION" --project "$@"; }

# 29 hours: the drift window's 24, and 5 more behind it for the performance window, whose labels (arriving 2 to 5
# hours after each prediction) have all arrived by the run.
echo "== driftctl simulate --scenario $SCENARIO (29 hours of predictions ending $end, labels arriving 2-5 hours later)"
run src/DriftJobs.Cli -- simulate --scenario "$SCENARIO" --hours 29 --rows-per-hour 500 --end "$end" \
  --label-delay-hours 2 --label-spread-hours 3

echo "== Baseline job (training data, and validation data with the model's predictions)"
run src/DriftJobs.Baseline -- --training-data training-data/fraud-detector/1/train.parquet --target-column is_fraud \
  --validation-data training-data/fraud-detector/1/validation.parquet --positive-class fraud >/dev/null
echo "baselines/fraud-detector/1/baseline.json written"

echo "== Drift detector (its JSON log lines are hidden here; the summary and the alerts follow)"
set +e
run src/DriftJobs.Detector -- --drift-window-end "$end" --drift-label-delay-hours 5 >"$output"
status=$?
set -e
grep -v '^{' "$output"
# Each alert is one JSON log line; shown here as "SEVERITY code: message".
sed -nE 's/.*"Severity":"([A-Z]+)","Code":"([a-z_]+)".*"AlertMessage":"(([^"\\]|\\.)*)".*/  \1 \2: \3/p' "$output" || true
echo "Detector exit code: $status (0 ran, 1 retry, 2 configuration error)"
echo "Report: $DRIFT_CONTAINER/drift-reports/fraud-detector/latest.json"
if [ "$status" -eq 0 ]; then
  # The next hourly run reads only what is new: here nothing, so every hour comes from the stored hour profiles.
  echo "== The same window again: each hour from the profile the first run stored (drift-profiles/…)"
  run src/DriftJobs.Detector -- --drift-window-end "$end" --drift-label-delay-hours 5 >"$output"
  grep '^Hours: ' "$output"
  grep -q '^Hours: 0 read from the logs, 24 from hour profiles' "$output" || { echo "demo: the rerun should read no hour"; exit 1; }
fi
if [ "$status" -eq 0 ] && [ "$SCENARIO" = concept-drift ]; then
  # What this scenario shows: the inputs did not move, the model got worse.
  grep -q '^Overall drift detected: NO' "$output" || { echo "demo: concept-drift should show no feature drift"; exit 1; }
  grep -q 'performance_degradation' "$output" || { echo "demo: concept-drift should raise a performance_degradation alert"; exit 1; }
  echo "concept-drift: no feature drifted, and the performance alert was raised."
fi
exit "$status"
