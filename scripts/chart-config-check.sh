#!/usr/bin/env bash
# Renders the Helm chart once per values file and runs `obscura config check` on the config file its ConfigMap
# holds, with the secrets the pod would get from its Secret, so a chart key the server does not know (or a value
# of the wrong type) fails CI instead of a pod's start.
# Usage: scripts/chart-config-check.sh OBSCURA_BINARY CHART_DIR VALUES.yaml...
# Uses the minihelm renderer that ../shared/tools/chart-check builds into $OBSCURA_TOOLS_CACHE (run that first).
set -euo pipefail
binary=${1:?usage: chart-config-check.sh OBSCURA_BINARY CHART_DIR VALUES.yaml...}; chart=${2:?chart dir}; shift 2
minihelm="${OBSCURA_TOOLS_CACHE:-$HOME/.cache/obscura-tools}/minihelm"
[ -x "$minihelm" ] || { echo "chart-config-check: $minihelm missing; run chart-check first" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
failed=0
for values in "" "$@"; do
    name=${values:-defaults}
    "$minihelm" -name obscura ${values:+-f "$values"} "$chart" >"$work/rendered.yaml"
    python3 - "$work/rendered.yaml" "$work/obscura.json" <<'PY'
import sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc.get("kind") == "ConfigMap" and "obscura.json" in doc.get("data", {}):
        open(sys.argv[2], "w").write(doc["data"]["obscura.json"])
        break
else:
    sys.exit("no ConfigMap with obscura.json rendered")
PY
    if OBSCURA_AUTH_JWT_SECRET="$(head -c 48 /dev/urandom | base64)" OBSCURA_DATABASE_PASSWORD=x OBSCURA_MEDIA_SMTP_PASSWORD=x \
        "$binary" config check --config "$work/obscura.json" >"$work/out" 2>&1; then
        echo "ok   $name: the server accepts the rendered config"
    else
        echo "FAIL $name: $(tr '\n' ' ' <"$work/out")"; failed=1
    fi
done
exit $failed
