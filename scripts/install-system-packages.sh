#!/usr/bin/env bash
# Makes sure Debian packages the test and demo runtimes need are installed, once:
#   bash scripts/install-system-packages.sh "<what needs them>" PACKAGE...
# Nothing to do: silent, a few milliseconds (one dpkg-query). Missing packages as root: `apt-get update` and
# `apt-get install --no-install-recommends`, with what and why on stderr. Missing packages without root: exit 1
# with the exact command to run (no sudo prompt appears in the middle of `npm test`).
set -euo pipefail

log() { echo "[install-system-packages] $*" >&2; }

[ $# -ge 2 ] || { log "usage: install-system-packages.sh \"<what needs them>\" PACKAGE..."; exit 64; }
purpose=$1
shift

missing=()
for pkg in "$@"; do
	if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
		missing+=("$pkg")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null || {
	log "$purpose needs the Debian packages ${missing[*]}, and this system has no apt-get: install their equivalent by hand"
	exit 1
}
if [ "$(id -u)" != 0 ]; then
	log "$purpose needs the Debian packages ${missing[*]}, which are not installed. Install them once with:"
	log "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
	exit 1
fi

log "installing ${missing[*]} for $purpose (apt-get, once; usually under a minute)"
started=$SECONDS
apt_log=$(mktemp)
# Recommends (fonts, upower, a notification daemon, ...) are not needed by a headless workbench.
if ! { apt-get update -qq &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "${missing[@]}"; } >"$apt_log" 2>&1; then
	tail -n 30 "$apt_log" >&2
	rm -f "$apt_log"
	log "error: apt-get install ${missing[*]} failed (see above)"
	exit 1
fi
rm -f "$apt_log"
log "installed ${missing[*]} in $((SECONDS - started)) s"
