#!/usr/bin/env sh
# Fetches llama.cpp's official llama-server release for this PC into llama-server/ (beside this script), checking it
# against the sha256 pinned in llama-server-releases.txt first: a download whose hash is not pinned there is refused.
#   ./fetch-llama-server.sh [cuda|vulkan|cpu]      (default: cuda when nvidia-smi is on the PATH, else cpu)
# Then set rigpool.worker.llama-server.binary=llama-server/llama-server in worker.properties. The worker proves the
# binary with a probe load at start and offers it to the planner only if that worked.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
backend="${1:-}"
if [ -z "$backend" ]; then
  if command -v nvidia-smi >/dev/null 2>&1; then backend=cuda; else backend=cpu; fi
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  *) echo "fetch-llama-server.sh: no pinned release for $(uname -s) $(uname -m); see README.txt" >&2; exit 2 ;;
esac
# Lines: tag platform backend file sha256 (comments and blank lines skipped); the last match wins.
entry="$(grep -v '^[[:space:]]*#' "$here/llama-server-releases.txt" | awk -v p="$platform" -v b="$backend" \
  'NF == 5 && $2 == p && $3 == b { line = $0 } END { print line }')"
if [ -z "$entry" ]; then
  echo "fetch-llama-server.sh: llama-server-releases.txt pins no $platform $backend release. Add the line" >&2
  echo "  <tag> $platform $backend <file> <sha256>  for a release you checked, or build one and set" >&2
  echo "  rigpool.worker.llama-server.binary (README.txt)." >&2
  exit 2
fi
set -- $entry
tag="$1"; file="$4"; sha="$5"
url="https://github.com/ggml-org/llama.cpp/releases/download/$tag/$file"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "downloading $url"
curl -fL --retry 3 -o "$tmp/$file" "$url"
actual="$(sha256sum "$tmp/$file" | cut -d' ' -f1)"
if [ "$actual" != "$sha" ]; then
  echo "fetch-llama-server.sh: $file has sha256 $actual, the pinned one is $sha: refused" >&2
  exit 1
fi
mkdir -p "$tmp/unpacked"
case "$file" in
  *.zip) unzip -q "$tmp/$file" -d "$tmp/unpacked" ;;
  *.tar.gz|*.tgz) tar -xzf "$tmp/$file" -C "$tmp/unpacked" ;;
  *) echo "fetch-llama-server.sh: cannot unpack $file" >&2; exit 1 ;;
esac
binary="$(find "$tmp/unpacked" -type f -name llama-server | head -n 1)"
[ -n "$binary" ] || { echo "fetch-llama-server.sh: $file holds no llama-server" >&2; exit 1; }
rm -rf "$here/llama-server"
mkdir -p "$here/llama-server"
# The release's shared libraries sit beside the binary and are found through its RPATH $ORIGIN.
cp -R "$(dirname "$binary")"/. "$here/llama-server/"
echo "$tag $platform $backend" > "$here/llama-server/release.txt"
echo "llama-server $tag ($backend) is in $here/llama-server; set rigpool.worker.llama-server.binary=llama-server/llama-server"
