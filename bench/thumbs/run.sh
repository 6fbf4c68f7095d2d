#!/usr/bin/env bash
# bench/thumbs/run.sh — thumbnail throughput on the photo corpus, same files, same worker and thread counts:
#   (a) bare libvips in-process (bare_vips.cpp), (b) the vipsthumbnail CLI, (c) Obscura's vips engine in-process.
# Every variant makes both outputs of DESIGN.md: preview JPEG fitting 1440×1440 (Q80) and thumbnail WebP with 250 px
# on the shorter side (Q80), decoding each original once (the thumbnail comes from the preview).
# Prints the rounds, one "RESULT" line per variant (median img/s, peak RSS), the thumbnail quality comparison, then
# a markdown table for RESULTS.md.
#
# Env: CORPUS (default bench/corpus, built by /work/shared/corpus/make-corpus.sh), WORKERS (files at once, 2),
#      VIPS_THREADS (libvips threads per pipeline, 1), ROUNDS (3; the median is reported), BUILD (build dir).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${CORPUS:-$root/bench/corpus}
out=$root/bench/out/thumbs
build=${BUILD:-$root/build-bench-thumbs}
workers=${WORKERS:-2}
threads=${VIPS_THREADS:-1}
rounds=${ROUNDS:-3}

if ! ls "$corpus"/*.jpg >/dev/null 2>&1; then
    echo "no corpus in $corpus: run  sudo bash /work/shared/corpus/make-corpus.sh $corpus" >&2
    exit 2
fi
for t in vipsthumbnail vipsheader cmake; do
    command -v "$t" >/dev/null || { echo "missing $t (apt-get install libvips-tools cmake)" >&2; exit 2; }
done

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" >/dev/null
rm -rf "$out" && mkdir -p "$out"/bare "$out"/cli "$out"/engine
files=("$corpus"/*.jpg)
count=${#files[@]}

# (b) The CLI cannot keep a decoded image between two outputs, so, like the others, it decodes the original once
# (preview, shrink-on-load) and makes the thumbnail from that preview. The thumbnail box depends on the picture's
# orientation (250 on the shorter side); it is looked up before timing so no extra process is timed.
specs=$out/cli-specs
: > "$specs"
for f in "${files[@]}"; do
    w=$(vipsheader -f width "$f"); h=$(vipsheader -f height "$f")
    if [ "$w" -ge "$h" ]; then echo "$f 1000x250" >> "$specs"; else echo "$f 250x1000" >> "$specs"; fi
done
cli_one() {
    local f=$1 spec=$2 dir=$3 stem
    stem=$(basename "$f" .jpg)
    vipsthumbnail "$f" -s 1440x1440 -o "$dir/%s.preview.jpg[Q=80,strip,optimize_coding]"
    vipsthumbnail "$dir/$stem.preview.jpg" -s "$spec" -o "$dir/$stem.thumb.webp[Q=80,strip]"
}
export -f cli_one
# The variants take turns, one round each, so that load from other processes falls on all of them alike.
export VIPS_WARNING=0  # the corpus has EXIF resolution units libvips warns about; not what is measured
common=(--corpus "$corpus" --workers "$workers" --vips-threads "$threads" --rounds 1)
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# (d) the whole path through the real server (e2e.sh): needs a built obscura (OBSCURA_BIN, default build/bin).
obscura_bin=${OBSCURA_BIN:-$root/build/bin/obscura}
bare_times=() engine_times=() cli_times=() e2e_times=() bare_rss=0 engine_rss=0 e2e_rss=0
for ((r = 0; r < rounds; r++)); do
    line=$("$build/bare_vips" "${common[@]}" --out "$out/bare" | grep '^RESULT')
    bare_times+=("$(echo "$line" | awk '{ print $4 }')"); bare_rss=$(echo "$line" | awk -v m="$bare_rss" '{ print ($6 > m ? $6 : m) }')
    line=$("$build/engine_bench" "${common[@]}" --out "$out/engine" | grep '^RESULT')
    engine_times+=("$(echo "$line" | awk '{ print $4 }')"); engine_rss=$(echo "$line" | awk -v m="$engine_rss" '{ print ($6 > m ? $6 : m) }')
    start=$(date +%s.%N)
    VIPS_CONCURRENCY=$threads xargs -P "$workers" -n 2 bash -c 'cli_one "$0" "$1" '"$out/cli" < "$specs"
    end=$(date +%s.%N)
    cli_times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
    line=$("$here/e2e.sh" "$obscura_bin" "$corpus" "$workers" | grep '^RESULT')
    e2e_times+=("$(echo "$line" | awk '{ print $5 }')"); e2e_rss=$(echo "$line" | awk -v m="$e2e_rss" '{ print ($7 > m ? $7 : m) }')
    echo "round $((r + 1)): bare ${bare_times[-1]} s, engine ${engine_times[-1]} s, cli ${cli_times[-1]} s, e2e ${e2e_times[-1]} s"
done
rate() { awk -v n="$count" -v t="$1" 'BEGIN { printf "%.2f", n / t }'; }
bare=$(rate "$(printf '%s\n' "${bare_times[@]}" | median)")
engine=$(rate "$(printf '%s\n' "${engine_times[@]}" | median)")
cli=$(rate "$(printf '%s\n' "${cli_times[@]}" | median)")
e2e=$(rate "$(printf '%s\n' "${e2e_times[@]}" | median)")
echo "RESULT bare-libvips $count img/s $bare peak-rss-MiB $bare_rss"
echo "RESULT obscura-vips-engine $count img/s $engine peak-rss-MiB $engine_rss"
echo "RESULT vipsthumbnail-cli $count img/s $cli"
echo "RESULT end-to-end $count img/s $e2e peak-rss-MiB $e2e_rss"
compare=$("$build/bare_vips" --corpus "$corpus" --out "$out/bare" --compare)
echo "$compare"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
echo
echo "| variant | img/s (median of $rounds) | vs (a) | peak RSS |"
echo "|---|---|---|---|"
echo "| (a) bare libvips in-process | $bare | 1.00× | $bare_rss MiB |"
echo "| (b) vipsthumbnail CLI, 2 processes per photo | $cli | $(ratio "$cli" "$bare") | — |"
echo "| (c) Obscura vips_engine in-process | $engine | $(ratio "$engine" "$bare") | $engine_rss MiB |"
echo "| (d) end to end: upload → every thumbnail and preview ready | $e2e | $(ratio "$e2e" "$bare") | $e2e_rss MiB (server) |"
echo
echo "workers=$workers vips-threads=$threads files=$count corpus=$corpus"
