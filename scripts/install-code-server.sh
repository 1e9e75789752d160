#!/usr/bin/env bash
# Installs code-server (= VS Code 1.100.3 in the browser) into .tools/code-server, offline
# except for the npm registry and Debian apt. Idempotent: does nothing if the right version is there.
#   bash scripts/install-code-server.sh                  code-server (+ ripgrep from apt if missing)
#   bash scripts/install-code-server.sh --with-chromium  also Debian's chromium (for e2e tests)
# Env: CODE_SERVER_VERSION (default 4.100.3).
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$ROOT/.tools/code-server"
BIN="$PREFIX/node_modules/.bin/code-server"
WITH_CHROMIUM=0
for a in "$@"; do
  case "$a" in
    --with-chromium) WITH_CHROMIUM=1 ;;
    *) echo "install-code-server: unknown argument $a" >&2; exit 2 ;;
  esac
done

log() { echo "install-code-server: $*"; }

APT_UPDATED=0
apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    log "need '$*' but cannot apt-get install it (not root or no apt): install it yourself" >&2
    exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ "$WITH_CHROMIUM" = 1 ]; then
  if [ -x /usr/bin/chromium ]; then
    log "chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  else
    apt_install chromium
  fi
fi

installed_version() {
  [ -x "$BIN" ] || return 1
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$PREFIX/node_modules/code-server/package.json" 2>/dev/null
}

if [ "$(installed_version || true)" = "$VERSION" ]; then
  log "code-server $VERSION already installed at $BIN (skipping)"
  exit 0
fi

# What the install needs from Debian: rg (see below), a C++ toolchain for the native modules
# (argon2, node-pty, kerberos build from source when their prebuilt download fails) and the
# GSSAPI headers for kerberos.
need=()
command -v rg >/dev/null || need+=(ripgrep)
{ command -v g++ >/dev/null && command -v make >/dev/null; } || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
if [ "${#need[@]}" -gt 0 ]; then
  apt_install "${need[@]}"
fi

# @vscode/ripgrep's postinstall downloads rg from GitHub; pre-fill its download cache with
# Debian's rg under the file name it looks for.
TMP="${TMPDIR:-/tmp}"
RG_DIR="$(mktemp -d)"
trap 'rm -rf "$RG_DIR"' EXIT
cp "$(command -v rg)" "$RG_DIR/rg"
for cache in "$TMP"/vscode-ripgrep-cache-1.15.11 "$TMP"/vscode-ripgrep-cache-1.15.9 "$TMP"/vscode-ripgrep-cache-1.15.10; do
  mkdir -p "$cache"
  for asset in ripgrep-v13.0.0-10-x86_64-unknown-linux-musl ripgrep-v13.0.0-13-x86_64-unknown-linux-musl; do
    if [ ! -s "$cache/$asset.tar.gz" ]; then
      tar -czf "$cache/$asset.tar.gz" -C "$RG_DIR" rg
    fi
  done
done
log "ripgrep cache filled from $(command -v rg) in $TMP/vscode-ripgrep-cache-*"

mkdir -p "$PREFIX"
# A package.json of its own so npm does not walk up to the project's.
[ -f "$PREFIX/package.json" ] || echo '{ "name": "convlens-tools-code-server", "private": true }' > "$PREFIX/package.json"
log "npm install code-server@$VERSION into $PREFIX (builds native modules; ~1 min)"
start=$(date +%s)
npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm install --prefix "$PREFIX" --no-save --loglevel=error "code-server@$VERSION"

got="$(installed_version || true)"
if [ "$got" != "$VERSION" ]; then
  log "install failed: expected code-server $VERSION at $BIN, found '${got:-nothing}'" >&2
  exit 1
fi
log "code-server $VERSION installed in $(( $(date +%s) - start )) s: $BIN"
