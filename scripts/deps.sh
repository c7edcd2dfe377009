#!/usr/bin/env bash
# Installs the Debian packages ardm's tests and demo use (idempotent).
# espeak-ng: synthetic SC09-style speech; flac, wavpack: baselines measured
# in the same run; qemu-user: the arm64 bit-exactness tests. MBROLA voices
# (Debian contrib/non-free) widen the synthetic voices; best effort.
set -euo pipefail
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v flac >/dev/null || need+=(flac)
command -v wavpack >/dev/null || need+=(wavpack)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -d /usr/share/mbrola/us1 ]; then
  (
    if ! grep -rqs "contrib" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      . /etc/os-release
      printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s %s-updates\nComponents: contrib non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$VERSION_CODENAME" "$VERSION_CODENAME" | $SUDO tee /etc/apt/sources.list.d/ardm-contrib.sources >/dev/null
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mbrola mbrola-us1 mbrola-us2 mbrola-us3 mbrola-en1 >/dev/null
  ) || echo "note: MBROLA voices not installed; synthesis uses espeak-ng voices only" >&2
fi
