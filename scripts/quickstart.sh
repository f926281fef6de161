#!/usr/bin/env bash
# Installs the dependencies, builds the release preset and starts a broker:
#   scripts/quickstart.sh [gregor serve options...]
# e.g. scripts/quickstart.sh --override listeners=PLAINTEXT://127.0.0.1:19092
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release --target gregor -j "$(nproc)"
exec "$ROOT/build/release/src/app/gregor" serve "$@"
