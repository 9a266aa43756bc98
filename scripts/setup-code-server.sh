#!/usr/bin/env bash
# Installs code-server (a real VS Code 1.100.3 server) into .vscode-test/code-server, offline-safe:
# only the npm registry and Debian's apt are used. Idempotent: exits at once when the right version is there.
#
# Usage: bash scripts/setup-code-server.sh [--force]
# Env:   CODE_SERVER_VERSION (default 4.100.3: the newest code-server whose engines.node is 20)
#        CODE_SERVER_DIR     (default <repo>/.vscode-test/code-server)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VER=${CODE_SERVER_VERSION:-4.100.3}
DEST=${CODE_SERVER_DIR:-$ROOT/.vscode-test/code-server}
ENTRY="$DEST/node_modules/code-server/out/node/entry.js"
FORCE=0; [ "${1:-}" = "--force" ] && FORCE=1

installed_version() {
  node -e 'try { process.stdout.write(require(process.argv[1]).version) } catch { }' \
    "$DEST/node_modules/code-server/package.json" 2>/dev/null || true
}

# --- system packages: only what is missing (checked before the fast exit, so chromium is ensured too) ---------
# build-essential/python3/pkg-config: node-gyp builds node-pty, kerberos etc. against /usr/include/node;
# libkrb5-dev: kerberos headers; ripgrep: replaces @vscode/ripgrep's GitHub download;
# chromium: the browser that opens the workbench (no extension host without a client); fonts-noto-cjk: zh-cn screenshots.
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
command -v chromium >/dev/null || missing+=(chromium)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || missing+=(libkrb5-dev)
command -v g++ >/dev/null && command -v make >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
command -v pkg-config >/dev/null || missing+=(pkg-config)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup-code-server] apt-get install ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$FORCE" = 0 ] && [ -f "$ENTRY" ] && [ -f "$DEST/.install-ok" ] && [ "$(installed_version)" = "$VER" ]; then
  exit 0
fi

T0=$(date +%s)
echo "[setup-code-server] installing code-server@$VER into $DEST"

mkdir -p "$DEST"
rm -f "$DEST/.install-ok"

# --- ripgrep cache ----------------------------------------------------------------------------------------
# @vscode/ripgrep's postinstall downloads rg from GitHub, but first looks for
# $TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<rg release>-<target>.tar.gz: seed it with Debian's rg.
export TMPDIR="$DEST/.tmp"
mkdir -p "$TMPDIR"
for pair in "1.15.11 v13.0.0-10" "1.15.14 v13.0.0-13"; do   # 1.15.11 is what code-server 4.100.3 pins
  set -- $pair
  mkdir -p "$TMPDIR/vscode-ripgrep-cache-$1"
  tar czf "$TMPDIR/vscode-ripgrep-cache-$1/ripgrep-$2-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
done

# --- the tools project ------------------------------------------------------------------------------------
# A separate package.json keeps code-server (~300 MB) out of the extension's own node_modules.
#
# Install scripts: npm 11 lists dependency install scripts that no allowScripts entry covers (and a later npm
# blocks them). We approve exactly the packages whose scripts a working server needs, and run with
# strict-allow-scripts so that an uncovered one fails the install instead of leaving a half-built server:
#  - top level (this package.json's allowScripts): code-server's postinstall, argon2's native build;
#  - code-server's postinstall runs nested `npm install`s in lib/vscode (and lib/vscode/extensions), which never
#    read this package.json. Their approvals go into a project .npmrc there, written between extracting and
#    running the scripts. (An `allow-scripts` config set at the top would be exported to the nested npm as
#    npm_config_allow_scripts, which npm refuses for project installs: EALLOWSCRIPTS.)
cat > "$DEST/package.json" <<JSON
{
  "name": "aks-kms-code-server",
  "private": true,
  "description": "code-server for the AKS KMS test harness (installed by scripts/setup-code-server.sh)",
  "dependencies": { "code-server": "$VER" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
VSCODE_ALLOW=node-pty,@vscode/ripgrep,@vscode/spdlog,@vscode/deviceid,@parcel/watcher,kerberos,native-watchdog,@vscode/windows-process-tree,@vscode/windows-registry
EXTENSIONS_ALLOW=esbuild,@parcel/watcher   # devDependencies, omitted by --omit=dev, but strict mode still asks

cd "$DEST"
export npm_config_strict_allow_scripts=true
# npm_config_yes=true: node-pty's postinstall runs `npx node-gyp ...`, and yes=false in ~/.npmrc makes npx refuse.
# --unsafe-perm: code-server's postinstall.sh insists on it when run as root (npm 11 warns that it no longer knows
# the option, but still passes npm_config_unsafe_perm=true to the script).
export npm_config_yes=true
LOG="$DEST/install.log"; : > "$LOG"
run() { if ! "$@" >>"$LOG" 2>&1; then tail -40 "$LOG" >&2; echo "[setup-code-server] failed: $* (full log: $LOG)" >&2; exit 1; fi; }
run npm install --ignore-scripts --no-audit --no-fund
printf 'allow-scripts=%s\n' "$VSCODE_ALLOW" > node_modules/code-server/lib/vscode/.npmrc
printf 'allow-scripts=%s\n' "$EXTENSIONS_ALLOW" > node_modules/code-server/lib/vscode/extensions/.npmrc
run npm rebuild --unsafe-perm --foreground-scripts

# --- verify ---------------------------------------------------------------------------------------------------
fail=0
[ -f "$ENTRY" ] || { echo "[setup-code-server] missing $ENTRY" >&2; fail=1; }
v=$(XDG_CONFIG_HOME="$TMPDIR/xdg-config" XDG_DATA_HOME="$TMPDIR/xdg-data" node "$ENTRY" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -1 || true)
case "$v" in "$VER "*) ;; *) echo "[setup-code-server] code-server --version printed '$v'" >&2; fail=1 ;; esac
# Artifacts that exist only if the install scripts ran:
VSN=node_modules/code-server/lib/vscode/node_modules
for f in node_modules/argon2/lib/binding/napi-v3/argon2.node "$VSN/node-pty/build/Release/pty.node" \
  "$VSN/@vscode/ripgrep/bin/rg" "$VSN/@vscode/spdlog/build/Release/spdlog.node" "$VSN/kerberos/build/Release/kerberos.node" \
  node_modules/code-server/lib/vscode/node_modules.asar; do
  [ -e "$f" ] || { echo "[setup-code-server] missing $f (an install script did not run)" >&2; fail=1; }
done
[ "$fail" = 0 ] || exit 1
touch "$DEST/.install-ok"
echo "[setup-code-server] code-server $v ready in $(( $(date +%s) - T0 )) s"
