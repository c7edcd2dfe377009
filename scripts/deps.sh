#!/usr/bin/env bash
# Installs the Debian packages ardm's tests and demo use (idempotent).
# espeak-ng + mbrola voices: synthetic SC09-style speech; flac, wavpack:
# baselines measured in the same run; qemu-user: the arm64 bit-exactness test.
set -euo pipefail
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v flac >/dev/null || need+=(flac)
command -v wavpack >/dev/null || need+=(wavpack)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
[ -d /usr/share/mbrola/us1 ] || need+=(mbrola mbrola-us1 mbrola-us2)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
