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

cleanup() {
  if [ -n "${azurite_pid:-}" ]; then kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; fi
  rm -f "$log"
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

echo "== driftctl simulate --scenario $SCENARIO (24 hours of predictions ending $end)"
run src/DriftJobs.Cli -- simulate --scenario "$SCENARIO" --hours 24 --rows-per-hour 500 --end "$end"

echo "== Baseline job"
run src/DriftJobs.Baseline -- --training-data training-data/fraud-detector/1/train.parquet --target-column is_fraud >/dev/null
echo "baselines/fraud-detector/1/baseline.json written"

echo "== Drift detector (its JSON log lines are hidden here; the summary follows)"
set +e
run src/DriftJobs.Detector -- --drift-window-end "$end" | grep -v '^{'
status=${PIPESTATUS[0]}
set -e
echo "Detector exit code: $status (0 ran, 1 retry, 2 configuration error)"
echo "Report: $DRIFT_CONTAINER/drift-reports/fraud-detector/latest.json"
exit "$status"
