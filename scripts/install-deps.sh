#!/usr/bin/env bash
# Installs every Debian package Gregor needs to build, test and run.
# Idempotent: when everything is already installed it touches nothing (no apt-get
# update). Runs apt-get directly as root, otherwise through sudo.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build ccache g++ clang libclang-rt-14-dev pkg-config
  # libraries
  libasio-dev liburing-dev libssl-dev libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev
  libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev librdkafka-dev
  # real-client integration tests (kafka-python needs the codec modules for
  # snappy, lz4 and zstd)
  kcat python3 python3-confluent-kafka python3-kafka python3-pytest
  python3-snappy python3-lz4 python3-zstandard
  # disk measurements
  fio
  # the zsh completion script's test
  zsh
)

# kafkajs tests need node and npm. A node installed from elsewhere (it usually
# brings its own npm) is kept: Debian's nodejs would conflict with it.
if ! command -v node >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(npm)
fi

die() {
  echo "install-deps: ERROR: $*" >&2
  exit 1
}

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for p in "${PACKAGES[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install these packages by hand: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  die "not root and no sudo: cannot install ${missing[*]}"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null ||
  die "apt-get install failed for: ${missing[*]}"

still=()
for p in "${missing[@]}"; do
  is_installed "$p" || still+=("$p")
done
[ ${#still[@]} -eq 0 ] || die "still not installed after apt-get: ${still[*]}"
command -v node >/dev/null 2>&1 || die "node is still missing"
echo "install-deps: done"
