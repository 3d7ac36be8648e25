#!/usr/bin/env bash
# Builds a CPU llama-server from the llama.cpp source snapshot that npm's node-llama-cpp package carries
# (llama/gitRelease.bundle), for machines that reach npm but not GitHub (CI, tests). Owners use the official
# release instead (deploy/llama-server/README.md).
#
# The result is cached outside the checkout, keyed by the package version, so CI builds it once per machine:
#   $RIGPOOL_LLAMA_SERVER_CACHE (default ~/.cache/rigpool/llama-server)/node-llama-cpp-<version>/
#     bin/llama-server      statically linked against llama.cpp and ggml
#     architectures.txt     the model architectures this llama.cpp loads (from src/llama-arch.cpp)
#     build.txt             llama.cpp commit and version
# Prints the binary's path on its last line.
set -euo pipefail

version=${RIGPOOL_LLAMA_SERVER_NPM_VERSION:-3.22.1}
cache=${RIGPOOL_LLAMA_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rigpool/llama-server}
dest="$cache/node-llama-cpp-$version"
if [ -x "$dest/bin/llama-server" ] && [ -s "$dest/architectures.txt" ]; then
  echo "$dest/bin/llama-server"
  exit 0
fi

for tool in npm git cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-from-npm.sh: needs $tool on the PATH" >&2; exit 2; }
done

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "llama-server: fetching node-llama-cpp@$version from npm" >&2
(cd "$work" && npm pack "node-llama-cpp@$version" --silent >/dev/null)
tar -xzf "$work"/node-llama-cpp-*.tgz -C "$work" package/llama/gitRelease.bundle
git -c advice.detachedHead=false clone -q "$work/package/llama/gitRelease.bundle" "$work/src"

echo "llama-server: building (about 7 minutes on two cores)" >&2
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S "$work/src" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  >"$work/cmake.log" 2>&1 || { tail -30 "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" --target llama-server -j "$(nproc)" >"$work/build.log" 2>&1 \
  || { tail -40 "$work/build.log" >&2; exit 1; }

staging="$work/out"
mkdir -p "$staging/bin"
cp "$work/build/bin/llama-server" "$staging/bin/"
# The names llama.cpp's loader matches general.architecture against: { LLM_ARCH_X, "name" } in llama-arch.cpp.
sed -n 's/^[[:space:]]*{[[:space:]]*LLM_ARCH_[A-Z0-9_]*,[[:space:]]*"\([^"]*\)"[[:space:]]*}.*/\1/p' \
  "$work/src/src/llama-arch.cpp" | grep -v '^(unknown)$' | sort -u >"$staging/architectures.txt"
{
  echo "source=npm:node-llama-cpp@$version"
  echo "commit=$(git -C "$work/src" rev-parse --short HEAD)"
  "$staging/bin/llama-server" --version 2>&1 | grep -m1 '^version' || true
} >"$staging/build.txt"

rm -rf "$dest"
mv "$staging" "$dest"
echo "$dest/bin/llama-server"
