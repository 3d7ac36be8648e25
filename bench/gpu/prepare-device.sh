#!/usr/bin/env bash
# Prepares everything the GPU check needs on a bare lent machine (no network, maybe no JDK, no Maven) in ONE
# git-ignored folder, bench/gpu/carry/, to name in the device tool's `carry` list:
#   jre.tar.xz   a Java 17 runtime made with jlink (only the modules the runner and the benchmark use)
#   app/         the packaged runner and benchmark jars and only the libraries they need (de.kherud:llama's jar
#                cut to its linux-x86_64 CPU library, the fallback the --cpu proof runs on)
#   src.tar.xz   the sources the CUDA natives build needs: llama.cpp b4980 (from node-llama-cpp@3.7.0's git bundle),
#                java-llama.cpp v4.2.0 and nlohmann/json v3.11.3, stripped to what their CMake builds use
#   tools/       patchelf (deploy/natives/build-cuda.sh needs it; the lent machine's image may not have it)
#   SOURCES.txt  versions, commits and sizes
# It prints the size of each part and the total; the device tool carries at most 64 MiB with the working tree.
#
#   bench/gpu/prepare-device.sh [--no-build] [--llama-bundle FILE] [--java-llama-src DIR|GIT] [--json-src DIR|GIT]
#
# Sources, first found wins: the option; the machine's mirrors (/work/.mirror/kherud+java-llama.cpp/repo,
# /work/.mirror/nlohmann+json/repo, /work/natives-work/src/package/llama/gitRelease.bundle); else npm pack
# node-llama-cpp@3.7.0 and git clone from GitHub. A GIT source (a checkout or a bare mirror) is exported at the tag.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="$root/bench/gpu/carry"
build=1
llama_bundle="" java_llama_src="" json_src=""
JAVA_LLAMA_TAG=v4.2.0 JSON_TAG=v3.11.3 NODE_LLAMA_CPP=node-llama-cpp@3.7.0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --llama-bundle) llama_bundle="$2"; shift 2 ;;
    --java-llama-src) java_llama_src="$2"; shift 2 ;;
    --json-src) json_src="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "prepare-device: unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf '[prepare-device] %s\n' "$*" >&2; }
die() { printf '[prepare-device] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in git tar xz python3 jlink; do command -v "$tool" >/dev/null || die "$tool not found"; done

tmp=$(mktemp -d /tmp/rigpool-prepare-device.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out/app/lib" "$out/tools"

# ------------------------------------------------------------------ jars
if [[ $build == 1 ]]; then
  log "building the runner and the benchmark (reactor package, nothing installed to ~/.m2)"
  ./mvnw -B -ntp -o -q -pl bench -am package -DskipTests
fi
runner_lib=worker/runner/target/lib
[[ -f worker/runner/target/rigpool-runner.jar && -f bench/target/rigpool-bench.jar ]] \
  || die "no packaged jars: run without --no-build"
cp worker/runner/target/rigpool-runner.jar bench/target/rigpool-bench.jar "$out/app/"
# The runner's libraries, plus what the GPU benchmark adds (gguf writer, estimator, JSON). The bench module's full
# lib/ (180 MB: Kafka, PostgreSQL binaries, Testcontainers for other benchmarks) stays behind.
cp "$runner_lib"/*.jar "$out/app/lib/"
for pattern in 'rigpool-planner-core-*.jar' 'jackson-core-*.jar' 'jackson-databind-*.jar' \
  'jackson-annotations-*.jar' 'slf4j-api-*.jar' 'slf4j-simple-*.jar'; do
  found=$(find bench/target/lib -maxdepth 1 -name "$pattern" | head -1)
  [[ -n "$found" ]] || die "bench/target/lib has no $pattern"
  cp -n "$found" "$out/app/lib/"
done
# de.kherud:llama carries CPU libraries for seven platforms; the lent machine is linux-x86_64.
llama_jar=$(find "$out/app/lib" -name 'llama-*.jar' | head -1)
python3 - "$llama_jar" <<'PY'
import sys, zipfile, os
jar = sys.argv[1]
keep_native = "de/kherud/llama/Linux/x86_64/"
tmp = jar + ".cut"
with zipfile.ZipFile(jar) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        n = item.filename
        native = n.endswith((".so", ".dll", ".dylib", ".metal"))
        if native and not n.startswith(keep_native):
            continue
        dst.writestr(item, src.read(n))
os.replace(tmp, jar)
PY

# ------------------------------------------------------------------ Java runtime
# Modules found with jdeps over the runner, the benchmark and their libraries; java.desktop (java.beans, which
# Jackson only probes for) is left out: 10 MB for nothing the check uses.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.unsupported,jdk.crypto.ec
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$tmp/jre" >/dev/null
"$tmp/jre/bin/java" -version 2>&1 | head -1 | sed 's/^/[prepare-device] jre: /' >&2
tar -C "$tmp" -cJf "$out/jre.tar.xz" jre

# ------------------------------------------------------------------ sources
src="$tmp/src"
mkdir -p "$src"
# Exports a source tree at a tag: from a checkout or a bare mirror (git archive), else copies the folder.
export_tree() {
  local from=$1 tag=$2 into=$3
  mkdir -p "$into"
  if git --git-dir="$from/.git" rev-parse --verify -q "$tag^{commit}" >/dev/null 2>&1; then
    git --git-dir="$from/.git" archive "$tag" | tar -x -C "$into"
  elif git --git-dir="$from" rev-parse --verify -q "$tag^{commit}" >/dev/null 2>&1; then
    git --git-dir="$from" archive "$tag" | tar -x -C "$into"
  else
    cp -a "$from/." "$into/"
    rm -rf "$into/.git"
  fi
}
first_dir() { for d in "$@"; do [[ -e "$d" ]] && { echo "$d"; return 0; }; done; return 1; }

# java-llama.cpp: its CMakeLists, pom.xml (build-cuda.sh checks the version), the C++ and the JNI headers.
java_llama_src=${java_llama_src:-$(first_dir /work/.mirror/kherud+java-llama.cpp/repo || true)}
if [[ -z "$java_llama_src" ]]; then
  git clone -q --depth 1 --branch "$JAVA_LLAMA_TAG" https://github.com/kherud/java-llama.cpp "$tmp/jl" \
    || die "no java-llama.cpp source: pass --java-llama-src"
  java_llama_src="$tmp/jl"
fi
export_tree "$java_llama_src" "$JAVA_LLAMA_TAG" "$tmp/java-llama-full"
mkdir -p "$src/java-llama.cpp/src/main" "$src/java-llama.cpp/.github/include"
cp "$tmp/java-llama-full/CMakeLists.txt" "$tmp/java-llama-full/pom.xml" "$tmp/java-llama-full/LICENSE.md" \
  "$src/java-llama.cpp/"
cp -a "$tmp/java-llama-full/src/main/cpp" "$src/java-llama.cpp/src/main/"
cp -a "$tmp/java-llama-full/.github/include/unix" "$src/java-llama.cpp/.github/include/"

# nlohmann/json: its CMake project and the multi-header sources (tests and docs are 100 MB).
json_src=${json_src:-$(first_dir /work/.mirror/nlohmann+json/repo || true)}
if [[ -z "$json_src" ]]; then
  git clone -q --depth 1 --branch "$JSON_TAG" https://github.com/nlohmann/json "$tmp/js" \
    || die "no nlohmann/json source: pass --json-src"
  json_src="$tmp/js"
fi
export_tree "$json_src" "$JSON_TAG" "$tmp/json-full"
mkdir -p "$src/json"
cp -a "$tmp/json-full/CMakeLists.txt" "$tmp/json-full/cmake" "$tmp/json-full/include" \
  "$tmp/json-full/LICENSE.MIT" "$tmp/json-full/nlohmann_json.natvis" "$src/json/"

# llama.cpp b4980: node-llama-cpp@3.7.0's git bundle, the nearest build to java-llama.cpp's b4916 reachable here.
llama_bundle=${llama_bundle:-$(first_dir /work/natives-work/src/package/llama/gitRelease.bundle || true)}
llama_release=""
if [[ -z "$llama_bundle" ]]; then
  (cd "$tmp" && npm pack -q "$NODE_LLAMA_CPP" >/dev/null && tar xzf node-llama-cpp-*.tgz) \
    || die "no llama.cpp bundle: pass --llama-bundle (node-llama-cpp@3.7.0's package/llama/gitRelease.bundle)"
  llama_bundle="$tmp/package/llama/gitRelease.bundle"
fi
release_json="$(dirname "$llama_bundle")/binariesGithubRelease.json"
[[ -f "$release_json" ]] && llama_release=$(sed -n 's/.*"release": *"b\([0-9]*\)".*/\1/p' "$release_json")
llama_release=${llama_release:-4980}
git -c advice.detachedHead=false clone -q "$llama_bundle" "$tmp/llama-full"
llama_commit=$(git -C "$tmp/llama-full" rev-parse HEAD)
# What java-llama.cpp's CMake builds with LLAMA_BUILD_COMMON on and examples/tests off, for CPU and CUDA: no other
# ggml backend, no models (47 MB of vocabularies), examples, tests, docs, Python.
mkdir -p "$src/llama.cpp/ggml/src"
(cd "$tmp/llama-full" && cp -a CMakeLists.txt LICENSE cmake common include src "$src/llama.cpp/")
(cd "$tmp/llama-full/ggml" && cp -a CMakeLists.txt cmake include "$src/llama.cpp/ggml/")
(cd "$tmp/llama-full/ggml/src" && for f in *; do
  case "$f" in
    ggml-vulkan|ggml-sycl|ggml-metal|ggml-kompute|ggml-cann|ggml-opencl|ggml-musa|ggml-hip|ggml-blas|ggml-rpc) ;;
    *) cp -a "$f" "$src/llama.cpp/ggml/src/" ;;
  esac
done)
# build-cuda.sh and llama.cpp's build-info read the commit with git: a history of commits only (no trees, no
# files; 140 KB) keeps `git rev-parse HEAD` true offline. The bundle holds one commit, so its build number is
# passed to build-cuda.sh as --llama-build.
git -C "$tmp/llama-full" config uploadpack.allowFilter true
git -c advice.detachedHead=false clone -q --filter=tree:0 --no-checkout "file://$tmp/llama-full" "$tmp/llama-history"
mv "$tmp/llama-history/.git" "$src/llama.cpp/.git"
git -C "$src/llama.cpp" remote remove origin
cat >"$src/SOURCES.txt" <<TXT
llama.cpp b$llama_release commit $llama_commit (from $llama_bundle)
java-llama.cpp $JAVA_LLAMA_TAG (from $java_llama_src)
nlohmann/json $JSON_TAG (from $json_src)
TXT
echo "$llama_release" >"$src/LLAMA_BUILD"
echo "$llama_commit" >"$src/LLAMA_COMMIT"
tar -C "$tmp" -cJf "$out/src.tar.xz" src

# ------------------------------------------------------------------ tools
if command -v patchelf >/dev/null; then
  cp "$(command -v patchelf)" "$out/tools/"
else
  log "WARNING: no patchelf here to carry; build-cuda.sh needs it on the device"
fi

# ------------------------------------------------------------------ sizes
{
  cat "$src/SOURCES.txt"
  echo "java runtime: $("$tmp/jre/bin/java" -version 2>&1 | head -1), modules $modules"
  echo
  echo "bytes  part"
  for part in jre.tar.xz app src.tar.xz tools; do
    printf '%9d  %s\n' "$(du -sb "$out/$part" | cut -f1)" "$part"
  done
  printf '%9d  total carried (bench/gpu/carry)\n' "$(du -sb "$out" | cut -f1)"
  printf '%9d  git-tracked working tree (travels too)\n' \
    "$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s}')"
} | tee "$out/SOURCES.txt"
