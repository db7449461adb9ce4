#!/usr/bin/env bash
# Installs the real services the alert, metrics and HTML-report tests run against: Prometheus Alertmanager,
# Prometheus Pushgateway and headless Chromium, from Debian's packages. Safe to run again: what is already on PATH
# is skipped, and nothing is done when all three are there. Needs root (or sudo) and apt-get for a missing one.
# The packages' own services are kept from starting (the tests start their own, on free loopback ports).
set -euo pipefail

declare -A binaries=(
  [prometheus-alertmanager]=prometheus-alertmanager
  [prometheus-pushgateway]=prometheus-pushgateway
  [chromium]=chromium
)

missing=()
for package in "${!binaries[@]}"; do
  command -v "${binaries[$package]}" >/dev/null 2>&1 || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "tools/services/install.sh: ${missing[*]} missing and not root (no sudo) to apt-get install them" >&2; exit 1; }
  sudo="sudo"
fi
command -v apt-get >/dev/null || { echo "tools/services/install.sh: ${missing[*]} missing and no apt-get to install them" >&2; exit 1; }

# Keep the packages' init scripts from starting daemons on the default ports 9093/9091 (only if no policy exists).
policy=/usr/sbin/policy-rc.d
own_policy=""
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  own_policy=1
fi
trap '[[ -n "$own_policy" ]] && $sudo rm -f "$policy"' EXIT

echo "tools/services/install.sh: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

for package in "${missing[@]}"; do
  command -v "${binaries[$package]}" >/dev/null || { echo "tools/services/install.sh: $package installed but ${binaries[$package]} is not on PATH" >&2; exit 1; }
done
echo "tools/services/install.sh: $(prometheus-alertmanager --version 2>&1 | head -n1)"
echo "tools/services/install.sh: $(prometheus-pushgateway --version 2>&1 | head -n1)"
echo "tools/services/install.sh: $(chromium --version 2>/dev/null | head -n1)"
