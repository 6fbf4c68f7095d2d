#!/usr/bin/env bash
# Checks that every tracked C/C++ source is laid out as .clang-format says (clang-format 14, Debian 12's),
# changing nothing. A CI stage of its own; run it alone as `bash scripts/format-check.sh`. To fix what it
# lists: `clang-format -i FILE...` (or the whole list: `bash scripts/format-check.sh --fix`).
# Nothing in the tree is vendored or generated, so every tracked .cpp/.hpp/.c/.h is checked.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
[ "${1:-}" = "--fix" ] && fix=1

if ! command -v clang-format >/dev/null 2>&1; then
    bash scripts/setup.sh --deps-only --test-deps >/dev/null
fi
echo "format-check: $(clang-format --version)"

mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.c' '*.h')
if [ "$fix" = 1 ]; then
    printf '%s\0' "${files[@]}" | xargs -0 -n 50 clang-format -i
    echo "format-check: formatted ${#files[@]} files"
    exit 0
fi

bad=()
for f in "${files[@]}"; do
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if [ ${#bad[@]} -gt 0 ]; then
    printf '  %s\n' "${bad[@]}"
    echo "format-check: ${#bad[@]} of ${#files[@]} files differ from .clang-format (fix: clang-format -i FILE)"
    exit 1
fi
echo "format-check: all ${#files[@]} files match .clang-format"
