#!/usr/bin/env bash
# check_install.sh — embview as another program sees it: `cmake --install`
# into a fresh prefix, then outside programs built against what was
# installed, and run:
#   1. examples/map_quality.c and the README's C example with
#      `pkg-config --cflags --libs embview` (shared), and map_quality with
#      `pkg-config --static` against libembview.a;
#   2. a CMake project (tests/install/CMakeLists.txt) with
#      find_package(embview COMPONENTS report static).
# A program on libembview alone must need neither cairo nor libmicrohttpd.
#
# usage: check_install.sh BUILD_DIR SOURCE_DIR WORK_DIR C_COMPILER [C_FLAGS]
# (C_FLAGS: what a program needs to link this build, e.g. the sanitizers)
set -euo pipefail
build=$1 src=$2 work=$3 cc=$4 cflags=${5:-}
mnist=("$src/data/mnist10k-images-idx3-ubyte.gz" "$src/data/mnist10k-labels-idx1-ubyte.gz")
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
fail() { echo "check_install: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "install failed"; }
pc=$(find "$prefix" -name embview.pc)
[ -n "$pc" ] || fail "no embview.pc installed"
libdir=$(dirname "$(dirname "$pc")")
export PKG_CONFIG_PATH=$(dirname "$pc")
for f in include/embview/embview.h include/embview/version.h include/embview/thumbnails.h; do
  [ -f "$prefix/$f" ] || fail "$f not installed"
done
so=$(readlink -f "$libdir/libembview.so")
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
echo "libembview.so: $(basename "$so"), soname $soname"
[[ $soname == libembview.so.* ]] || fail "libembview.so has no versioned soname"
if readelf -d "$so" | grep NEEDED | grep -Eq 'cairo|microhttpd|pcre'; then
  fail "libembview.so needs cairo, libmicrohttpd or PCRE2: $(readelf -d "$so" | grep NEEDED)"
fi

step "pkg-config --cflags --libs embview: $(pkg-config --cflags --libs embview)"
pkg-config --libs --static embview | grep -q cairo && fail "embview.pc names cairo"
# shellcheck disable=SC2046,SC2086
"$cc" $cflags -o "$work/pc_map_quality" "$src/examples/map_quality.c" $(pkg-config --cflags --libs embview)
readelf -d "$work/pc_map_quality" | grep NEEDED | grep -Eq 'cairo|microhttpd' && fail "the program needs cairo"
LD_LIBRARY_PATH=$libdir "$work/pc_map_quality" "${mnist[@]}" 1000

step "the README's C example"
# the first ```c block after "## Library"
sed -n '/^## Library/,$p' "$src/README.md" | sed -n '/^```c$/,/^```$/p' | sed '1d;$d' >"$work/readme_example.c"
[ -s "$work/readme_example.c" ] || fail "no C example in README.md's Library section"
# shellcheck disable=SC2046,SC2086
"$cc" $cflags -o "$work/readme_example" "$work/readme_example.c" $(pkg-config --cflags --libs embview)
(cd "$src" && LD_LIBRARY_PATH=$libdir "$work/readme_example")

step "pkg-config --static --libs embview, against libembview.a"
libs=$(pkg-config --static --libs embview | sed 's/-lembview\b/-l:libembview.a/')
# shellcheck disable=SC2046,SC2086
"$cc" $cflags -o "$work/pc_static_map_quality" "$src/examples/map_quality.c" $(pkg-config --cflags embview) $libs
readelf -d "$work/pc_static_map_quality" | grep -q 'libembview\.so' && fail "the static build links libembview.so"
"$work/pc_static_map_quality" "${mnist[@]}" 1000

step "find_package(embview) in an outside CMake project"
cmake -S "$src/tests/install" -B "$work/outside" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_C_FLAGS="$cflags" -DEXAMPLES_DIR="$src/examples" >"$work/outside.log" ||
  { cat "$work/outside.log"; fail "configure failed"; }
cmake --build "$work/outside" >>"$work/outside.log" || { cat "$work/outside.log"; fail "build failed"; }
"$work/outside/map_quality" "${mnist[@]}" 1000
"$work/outside/map_quality_static" "${mnist[@]}" 1000
"$work/outside/plot_map" "$work/map.png"
head -c 8 "$work/map.png" | od -An -c | grep -q 'P   N   G' || fail "plot_map wrote no PNG"
echo "check_install: ok"
