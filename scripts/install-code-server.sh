#!/usr/bin/env bash
# Installs the offline VS Code runtime for the integration tests: Node 24 (npm package node-linux-<arch>) and
# code-server (npm), which bundles the VS Code server and its real Node extension host. Both come from the npm
# registry, so this works where VS Code's own download servers are unreachable. See docs/testing.md.
#
# Idempotent and keyed by version: a second run only checks two files. Concurrent runs wait on a lock.
# Installs outside the repo, in $LARK_VSCODE_OFFLINE_DIR
# (default ${XDG_CACHE_HOME:-$HOME/.cache}/lark-downloader/vscode-offline).
#
# stdout: exactly two lines, for `eval "$(bash scripts/install-code-server.sh)"`:
#   export LARK_CODE_SERVER_NODE=<node 24 binary>
#   export LARK_CODE_SERVER_ENTRY=<code-server's out/node/entry.js>
# Progress goes to stderr, and only when something is actually installed.
set -euo pipefail

# Pinned together: code-server 4.139.1 bundles VS Code 1.139.1 and requires Node 24. Re-check the
# pass/fail/timeout behaviour of scripts/run-integration-tests.js when bumping either.
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

log() { echo "[install-code-server] $*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(uname -s)" = Linux ] || die "only Linux is supported (use VSCODE_TEST_RUNTIME=electron elsewhere)"
case "$(uname -m)" in
	x86_64) NODE_ARCH=x64 ;;
	aarch64 | arm64) NODE_ARCH=arm64 ;;
	*) die "unsupported CPU $(uname -m)" ;;
esac

DEST=${LARK_VSCODE_OFFLINE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lark-downloader/vscode-offline}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
NODE_DIR=$DEST/node-$NODE_VERSION-linux-$NODE_ARCH
# native addons are compiled against this Node's headers, so the code-server dir is keyed by both versions
CS_DIR=$DEST/code-server-$CODE_SERVER_VERSION-node-$NODE_VERSION
ENTRY=$CS_DIR/node_modules/code-server/out/node/entry.js

installed() { [ -x "$NODE_DIR/bin/node" ] && [ -f "$CS_DIR/.complete" ] && [ -f "$ENTRY" ]; }

if ! installed; then
	exec 9>"$DEST/.lock"
	flock 9 # another run may be installing right now; the check below is repeated under the lock

	if [ ! -x "$NODE_DIR/bin/node" ]; then
		log "fetching Node $NODE_VERSION (npm package node-linux-$NODE_ARCH)"
		tmp=$(mktemp -d)
		(cd "$tmp" && npm pack --silent "node-linux-$NODE_ARCH@$NODE_VERSION" >/dev/null)
		rm -rf "$NODE_DIR.part" && mkdir -p "$NODE_DIR.part"
		tar xzf "$tmp/node-linux-$NODE_ARCH-$NODE_VERSION.tgz" -C "$NODE_DIR.part" --strip-components=1
		rm -rf "$tmp" "$NODE_DIR"
		mv "$NODE_DIR.part" "$NODE_DIR"
	fi

	if [ ! -f "$CS_DIR/.complete" ] || [ ! -f "$ENTRY" ]; then
		# code-server's native modules (kerberos, spdlog, sqlite3, ...) are built from source offline:
		# they need a C++ toolchain and the GSSAPI headers from libkrb5-dev.
		bash "$(dirname "$0")/install-system-packages.sh" "building code-server's native modules" libkrb5-dev
		for tool in make g++ python3; do
			command -v "$tool" >/dev/null || die "$tool is needed to build code-server's native modules"
		done

		log "installing code-server $CODE_SERVER_VERSION with Node $NODE_VERSION (once; 1-3 minutes on 2 cores; log: $CS_DIR/install.log)"
		started=$SECONDS
		rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
		echo '{ "name": "lark-downloader-code-server", "private": true }' >"$CS_DIR/package.json"
		# Started from an npm script (npm test, npm run demo), this shell inherits the outer npm's configuration as
		# npm_config_* variables, and a nested npm takes them as its own settings: npm_config_user_agent still says
		# "node/v20", which code-server's postinstall reads as the Node version (and refuses); npm_config_node_gyp
		# and npm_config_prefix point into the outer Node's install. Run the nested npm as a plain shell would, but
		# keep what a user sets to reach the registry (registry, proxy, certificates, cache).
		scrub=()
		while IFS= read -r name; do
			case $name in
				npm_config_registry | npm_config_*_registry | npm_config_cafile | npm_config_ca | npm_config_strict_ssl | \
					npm_config_proxy | npm_config_https_proxy | npm_config_noproxy | npm_config_cache | npm_config_userconfig) ;;
				npm_* | INIT_CWD | NODE) scrub+=(-u "$name") ;;
			esac
		done < <(compgen -e)
		# Node 24 first on PATH: npm (and so code-server's postinstall) runs on it.
		# npm_config_nodedir: node-gyp must use Node 24's headers (shipped in the tarball's include/), not a
		# machine-wide nodedir (this image's ~/.npmrc points it at Node 20's /usr).
		# NODE_DISABLE_COMPILE_CACHE: keep Node 24 from leaving /tmp/node-compile-cache behind.
		if ! (cd "$CS_DIR" && env "${scrub[@]}" PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" NODE_DISABLE_COMPILE_CACHE=1 \
			npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >install.log 2>&1); then
			tail -n 40 "$CS_DIR/install.log" >&2
			die "npm install code-server@$CODE_SERVER_VERSION failed (full log: $CS_DIR/install.log)"
		fi
		[ -f "$ENTRY" ] || die "code-server installed but $ENTRY is missing"
		touch "$CS_DIR/.complete"
		log "installed in $((SECONDS - started)) s, cached for later runs in $DEST"
	fi
	exec 9>&-
fi

printf 'export LARK_CODE_SERVER_NODE=%q\n' "$NODE_DIR/bin/node"
printf 'export LARK_CODE_SERVER_ENTRY=%q\n' "$ENTRY"
