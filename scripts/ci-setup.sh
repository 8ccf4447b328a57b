#!/usr/bin/env bash
# Machine-level prerequisites for the test suites (idempotent, quiet when there is nothing to do).
# Called by .ci/run before `npm ci`. Needs root (or sudo) only when an apt package is missing.
#
# Integration tests (see docs/testing.md) run in code-server's real VS Code extension host, driven by headless
# Chromium, because VS Code desktop cannot be downloaded on the offline CI machine:
#   - chromium      headless browser that loads the web workbench (playwright-core drives it)
#   - libkrb5-dev   GSSAPI headers: code-server's native `kerberos` module is compiled at install time
#   - Node 24 + code-server from npm, cached outside the repo (scripts/install-code-server.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[ci-setup] $*" >&2; }

APT_PACKAGES=(chromium libkrb5-dev)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
	if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
		missing+=("$pkg")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { log "need root to install: ${missing[*]}"; exit 1; }
		sudo=(sudo)
	fi
	log "apt-get install ${missing[*]}"
	apt_log=$(mktemp)
	# Recommends (fonts, upower, notification daemon, ...) are not needed for a headless workbench.
	if ! { "${sudo[@]}" apt-get update -qq &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
		cat "$apt_log" >&2
		rm -f "$apt_log"
		log "apt-get failed"
		exit 1
	fi
	rm -f "$apt_log"
fi

# Cheap sanity check that the browser really starts headless (catches a broken or partial install early).
# Its profile and crash dirs go to a throwaway dir so nothing is left in $HOME.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
dom=$(XDG_CONFIG_HOME=$probe XDG_CACHE_HOME=$probe timeout 60 chromium --headless --no-sandbox --disable-gpu \
	--disable-dev-shm-usage --user-data-dir="$probe/profile" --dump-dom 'data:text/html,<p>ok</p>' 2>/dev/null || true)
if [[ $dom != *'<p>ok</p>'* ]]; then
	log "chromium does not start headless"
	exit 1
fi

bash scripts/install-code-server.sh >/dev/null
