#!/usr/bin/env bash
# Installs everything Zhijian needs to build, test and run on Debian 12 (bookworm).
# Idempotent: packages already present are skipped; `npm ci` runs only when the web UI's
# lock file changed since the last install. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang-format git
  # C++ libraries (see docs/ARCHITECTURE.md "Dependencies")
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev libpq-dev
  libsodium-dev libssl-dev
  libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # registry import: XLSX (zip + XML), GB18030 via glibc iconv; XLSX writing for tests and exports
  libzip-dev libxml2-dev libxlsxwriter-dev
  # report codes and QR (ledger/qr.h): QR encoding, PNG output, and zbarimg to prove scanners read it
  libqrencode-dev libpng-dev zbar-tools
  # report intake (issue 5): PDF text with word boxes, rendering, OCR with Chinese
  libpoppler-cpp-dev poppler-utils tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng
  libtesseract-dev libleptonica-dev
  # test-report corpus generator (gen reports): PDF drawing with CJK text layout
  libcairo2-dev libpango1.0-dev
  # PostgreSQL server for the storage tests on the second backend
  postgresql-15 postgresql-client-15
  # fuzzing (make fuzz): clang with libFuzzer and the sanitizer runtimes
  clang-14 libclang-rt-14-dev
  # browser tests, HTTP load
  chromium fonts-noto-cjk wrk curl ca-certificates sqlite3 jq
  # the static-file baseline of the public verify benchmark (bench/ledger_verify_http.sh)
  nginx-light
  # report corpus generator: Latin faces paired with Noto CJK (DejaVu; see docs/intake.md)
  fonts-dejavu-core
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js 18+ and npm: use the machine's if present (it may come from another source than Debian,
# whose npm package would conflict with it), else Debian's.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages present"
fi

# Web UI packages, pinned by web/package-lock.json.
if [ -f web/package-lock.json ]; then
  stamp=web/node_modules/.zhijian-lock-sha256
  want=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "install-deps: npm ci (web/)"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  else
    echo "install-deps: web/node_modules up to date"
  fi
fi
