#!/usr/bin/env bash
# Installs what Twinstream needs on a new machine, idempotently:
#  - Debian's development packages the Kafka client (librdkafka) links against, only where missing;
#  - the tools the tests run for real: Prometheus and promtool (the scrape test, rule checks), and kubectl (which
#    renders the kustomize overlays) unless one is already on the PATH;
#  - the npm dependencies, building librdkafka against those system libraries and against this Node's own headers
#    (its default install downloads sources and headers, which a closed network refuses).
# Re-running is cheap: npm ci is skipped while node_modules matches package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

required_debs=(libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev prometheus)
# Any kubectl with kustomize will do; Debian's is the fallback.
command -v kubectl >/dev/null || required_debs+=(kubernetes-client)
missing=()
for deb in "${required_debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' || missing+=("$deb")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing system packages: ${missing[*]}" >&2
    echo "bootstrap: install them first, e.g.: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "bootstrap: '$tool' is needed to run the local Kafka broker (install a JDK 17+ and Maven)" >&2; exit 1; }
done

stamp=node_modules/.twinstream-lock.sha256
wanted=$( (cat package-lock.json; node --version) | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "bootstrap: node_modules up to date"
else
  echo "bootstrap: npm ci (builds librdkafka against the system libraries; about a minute)"
  CKJS_LINKING=dynamic npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm ci --no-audit --no-fund
  echo "$wanted" > "$stamp"
fi
