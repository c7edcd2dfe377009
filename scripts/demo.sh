#!/usr/bin/env bash
# The main job: builds ardm and runs the whole pipeline on the built-in
# model (data, compress + decompress with a bit-exact check, 8-bit upscale,
# eval against flac and wavpack, report with plots) into out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
go build -buildvcs=auto -o bin/ardm ./cmd/ardm
exec bin/ardm demo --out out/demo "$@"
