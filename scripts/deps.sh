#!/usr/bin/env bash
# Installs the Debian packages embview needs, or says exactly how to.
#
# usage: scripts/deps.sh [build|test|variants|bench|fuzz]   (each includes build; all but fuzz include test)
# As root: apt-get installs what is missing.  Otherwise: prints the exact
# `sudo apt-get install ...` line and exits 1 without changing anything.
set -euo pipefail

level=${1:-build}
build_pkgs="gcc make cmake pkg-config libopenblas-openmp-dev liblapacke-dev libfftw3-dev zlib1g-dev libpng-dev libcairo2-dev libmicrohttpd-dev libpcre2-dev"
test_pkgs="python3 python3-numpy python3-sklearn dataset-fashion-mnist chromium fonts-dejavu-core"
variant_pkgs="clang libomp-dev"
# libFuzzer ships in clang's runtime package (Debian 12: clang 14)
fuzz_pkgs="clang libclang-rt-14-dev"
bench_pkgs="python3-sklearn python3-matplotlib python3-pynndescent python3-hnswlib python3-faiss r-cran-rtsne r-cran-uwot time wrk curl"

case "$level" in
  build) want="$build_pkgs" ;;
  test) want="$build_pkgs $test_pkgs" ;;
  variants) want="$build_pkgs $test_pkgs $variant_pkgs" ;;
  bench) want="$build_pkgs $test_pkgs $bench_pkgs" ;;
  fuzz) want="$build_pkgs $fuzz_pkgs" ;;
  *) echo "deps.sh: unknown level '$level' (build, test, variants, bench, fuzz)" >&2; exit 2 ;;
esac

# The browser tests' npm package (playwright-core, pinned in tests/e2e/package-lock.json;
# it drives Debian's chromium, it downloads no browser).  Needs Node.js and npm.
if [ "$level" != build ] && [ "$level" != fuzz ] && ! command -v npm >/dev/null 2>&1; then
  want="$want nodejs npm"
fi
npm_packages() {
  [ "$level" = build ] || [ "$level" = fuzz ] && return 0
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e"
  [ -d "$dir/node_modules/playwright-core" ] && return 0
  command -v npm >/dev/null 2>&1 || return 0
  echo "deps.sh: npm ci in tests/e2e (playwright-core)" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps.sh: this is not a Debian system; install the equivalents of: $want" >&2
  exit 1
fi

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  npm_packages
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "deps.sh: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >&2
  npm_packages
else
  echo "embview needs these Debian packages:$missing" >&2
  echo "install them with:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
