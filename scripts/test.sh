#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need, then
# vets and tests every package (the arm64 bit-exactness tests run under
# qemu-user).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export GOFLAGS=${GOFLAGS:-}
go vet ./...
go test -timeout 25m ./...
# The Beam pipelines: a module of their own (go test ./... above does not
# enter it).
(cd pipelines && go vet ./... && go test -timeout 10m ./...)
