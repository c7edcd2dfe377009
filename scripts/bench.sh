#!/usr/bin/env bash
# The codec benchmark, in one command: builds bin/ardm, codes every clip of
# the real SC09 dev set with ardm's classic coders (no model) and with flac
# and wavpack in the same run (`ardm eval --no-model`, every file decoded
# and compared again), then runs the coder and forward micro-benchmarks and
# times `ardm compress` and `ardm decompress` of one 1-second clip with the
# built-in model at the default budget (wall time and peak memory: the
# speed target is 2 s and 512 MB each on the 2-core machine).
# It prints the machine, the date and the results; the eval report
# (report.md, report.json, plots) goes to out/bench-classic.
#
#   scripts/bench.sh                      # as above
#   DATA=dir OUT=dir scripts/bench.sh     # another data set or report folder
#
# Runs under `nice -n 5` (NICE= to change). Speeds depend on the load of
# the machine, which is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data/sc09-real-dev}
OUT=${OUT:-out/bench-classic}
NICE=${NICE-nice -n 5}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
dirty=""
git diff --quiet HEAD -- . 2>/dev/null || dirty=" (working tree differs from the commit)"
echo "# ardm codec benchmark"
echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$dirty"
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sm)"
echo "go:       $(go version)"
echo "flac:     $(flac --version 2>/dev/null || echo not installed)"
echo "wavpack:  $(wavpack --version 2>/dev/null | head -1 || echo not installed)"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"

run() {
	echo
	echo "\$ $*"
	$NICE "$@"
}

run go build -buildvcs=auto -o bin/ardm ./cmd/ardm
run bin/ardm eval --data "$DATA" --no-model --report "$OUT" --quiet
run go test -run XXX -bench 'Fallback|LPC' -benchtime 3x ./coder/
run go test -run XXX -bench 'Forward(Shipped)?$' -benchtime 5x ./ardm/

# One 1-second clip through the built-in model at the default budget. The
# model is forced on every frame (--model-only), so decompress pays the
# network calls too, whatever coder would have won.
clip=$(find "$DATA" -name '*.wav' | sort | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in 1 2; do
	run /usr/bin/time -f "compress:   %e s wall, %M KB peak RSS" bin/ardm compress --model-only "$clip" -o "$tmp/x.ardm" --quiet
	run /usr/bin/time -f "decompress: %e s wall, %M KB peak RSS" bin/ardm decompress "$tmp/x.ardm" -o "$tmp/x.wav" --quiet
done
echo
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "report:   $OUT/report.md"
