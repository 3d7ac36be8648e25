#!/usr/bin/env bash
# Builds java-llama.cpp's JNI library with CUDA for linux-x86_64 into one self-contained folder (libjllama.so, the
# CUDA runtime and cuBLAS it needs, RPATH $ORIGIN, manifest.json), so a PC needs only the NVIDIA driver.
# See deploy/natives/README.md for the layout, the Windows build and what the worker reads.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

usage() {
    cat <<'EOF'
Usage: deploy/natives/build-cuda.sh [options]

Builds java-llama.cpp's JNI library (libjllama.so) with CUDA for linux-x86_64, at the java-llama.cpp tag that matches
the root pom's java-llama.version and the llama.cpp build that tag pins, into one folder that carries its CUDA
runtime and cuBLAS libraries (RPATH $ORIGIN) and a manifest.json.

Options:
  --java-llama-src DIR  java-llama.cpp checkout at the matching tag (default: git clone from GitHub)
  --llama-src DIR       llama.cpp source folder (default: git clone of the build the java-llama.cpp tag pins)
  --llama-build N       llama.cpp build number, when --llama-src has no bNNNN tag (e.g. a source bundle)
  --json-src DIR        nlohmann/json source folder (default: git clone of the tag java-llama.cpp pins)
  --cuda-home DIR       CUDA toolkit (default: $CUDA_HOME, else /usr/local/cuda)
  --cublas-dir DIR      folder with lib/libcublas.so.N and include/cublas_v2.h when the toolkit has no cuBLAS,
                        e.g. the unpacked nvidia-cublas wheel's nvidia/cu13 (default: the toolkit's own)
  --archs LIST|native   CUDA architectures, e.g. "75;86;89;120" (default: every RTX generation, Turing to
                        Blackwell); "native" builds only for the GPUs of this machine
  --jobs N              parallel compile jobs (default: nproc)
  --out DIR             output folder (default: natives/cuda-<CUDA major> in the repository)
  --work DIR            sources and build tree (default: .natives-work in the repository)
  -h, --help            this text
EOF
}

log() { printf '[build-cuda] %s\n' "$*" >&2; }
die() { printf '[build-cuda] ERROR: %s\n' "$*" >&2; exit 1; }

JAVA_LLAMA_SRC="" LLAMA_SRC="" LLAMA_BUILD="" JSON_SRC=""
CUDA_HOME_DIR="${CUDA_HOME:-/usr/local/cuda}" CUBLAS_DIR=""
# sm_75 Turing (RTX 20), sm_86 Ampere (RTX 30), sm_89 Ada (RTX 40), sm_120 Blackwell (RTX 50): the generations of
# common/.../hardware/RtxCards.java.
ARCHS="75;86;89;120"
JOBS="$(nproc)" OUT="" WORK="$REPO_ROOT/.natives-work"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --java-llama-src) JAVA_LLAMA_SRC="$2"; shift 2 ;;
        --llama-src) LLAMA_SRC="$2"; shift 2 ;;
        --llama-build) LLAMA_BUILD="$2"; shift 2 ;;
        --json-src) JSON_SRC="$2"; shift 2 ;;
        --cuda-home) CUDA_HOME_DIR="$2"; shift 2 ;;
        --cublas-dir) CUBLAS_DIR="$2"; shift 2 ;;
        --archs) ARCHS="$2"; shift 2 ;;
        --jobs) JOBS="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

abspath() { (cd "$1" && pwd); }
for tool in cmake git sha256sum patchelf ldd readelf; do
    command -v "$tool" >/dev/null || die "$tool not found (patchelf: apt-get install patchelf)"
done
mkdir -p "$WORK"
WORK=$(abspath "$WORK")
START=$(date +%s)

# ---------------------------------------------------------------- sources
JAVA_LLAMA_VERSION=$(sed -n 's:.*<java-llama.version>\(.*\)</java-llama.version>.*:\1:p' "$REPO_ROOT/pom.xml" | head -1)
[[ -n "$JAVA_LLAMA_VERSION" ]] || die "no <java-llama.version> in $REPO_ROOT/pom.xml"

if [[ -z "$JAVA_LLAMA_SRC" ]]; then
    JAVA_LLAMA_SRC="$WORK/src/java-llama.cpp"
    if [[ ! -d "$JAVA_LLAMA_SRC/.git" ]]; then
        log "cloning java-llama.cpp v$JAVA_LLAMA_VERSION"
        git clone --quiet --depth 1 --branch "v$JAVA_LLAMA_VERSION" https://github.com/kherud/java-llama.cpp "$JAVA_LLAMA_SRC"
    fi
fi
JAVA_LLAMA_SRC=$(abspath "$JAVA_LLAMA_SRC")
# The Java classes come from the Maven jar; a JNI library of another version would not match their native methods.
[[ -f "$JAVA_LLAMA_SRC/pom.xml" && -f "$JAVA_LLAMA_SRC/CMakeLists.txt" ]] \
    || die "$JAVA_LLAMA_SRC is not a java-llama.cpp checkout (no pom.xml and CMakeLists.txt)"
src_version=$(sed -n '0,/<artifactId>llama<\/artifactId>/d; s:.*<version>\(.*\)</version>.*:\1:p' "$JAVA_LLAMA_SRC/pom.xml" | head -1)
[[ "$src_version" == "$JAVA_LLAMA_VERSION" ]] \
    || die "java-llama.cpp in $JAVA_LLAMA_SRC is version '$src_version', the pom uses $JAVA_LLAMA_VERSION"

# The pins are read from java-llama.cpp's own CMakeLists, so a version bump in the pom carries them along.
pinned_tag() {
    awk -v dep="$1" '$0 ~ "FetchContent_Declare\\(" {getline; inside = ($1 == dep)} inside && $1 == "GIT_TAG" {print $2; exit}' \
        "$JAVA_LLAMA_SRC/CMakeLists.txt"
}
LLAMA_PIN=$(pinned_tag llama.cpp)
JSON_PIN=$(pinned_tag json)
[[ -n "$LLAMA_PIN" && -n "$JSON_PIN" ]] || die "cannot read the llama.cpp/json pins from $JAVA_LLAMA_SRC/CMakeLists.txt"

if [[ -z "$LLAMA_SRC" ]]; then
    LLAMA_SRC="$WORK/src/llama.cpp"
    if [[ ! -d "$LLAMA_SRC/.git" ]]; then
        log "cloning llama.cpp $LLAMA_PIN"
        # Full commit history without old file contents: llama.cpp's build number is its commit count.
        git clone --quiet --filter=blob:none --branch "$LLAMA_PIN" https://github.com/ggml-org/llama.cpp "$LLAMA_SRC"
    fi
fi
LLAMA_SRC=$(abspath "$LLAMA_SRC")
if [[ -z "$JSON_SRC" ]]; then
    JSON_SRC="$WORK/src/json"
    if [[ ! -d "$JSON_SRC/.git" ]]; then
        log "cloning nlohmann/json $JSON_PIN"
        git clone --quiet --depth 1 --branch "$JSON_PIN" https://github.com/nlohmann/json "$JSON_SRC"
    fi
fi
JSON_SRC=$(abspath "$JSON_SRC")

LLAMA_COMMIT=$(git -C "$LLAMA_SRC" rev-parse --short=8 HEAD 2>/dev/null) || die "$LLAMA_SRC is not a git checkout"
if [[ -z "$LLAMA_BUILD" ]]; then
    tag=$(git -C "$LLAMA_SRC" describe --tags --exact-match 2>/dev/null || true)
    [[ "$tag" =~ ^b([0-9]+)$ ]] || die "cannot tell the llama.cpp build of $LLAMA_SRC (no bNNNN tag at HEAD): pass --llama-build N"
    LLAMA_BUILD="${BASH_REMATCH[1]}"
fi
if [[ "b$LLAMA_BUILD" != "$LLAMA_PIN" ]]; then
    log "WARNING: llama.cpp b$LLAMA_BUILD differs from the b${LLAMA_PIN#b} java-llama.cpp v$JAVA_LLAMA_VERSION pins"
fi

# ---------------------------------------------------------------- CUDA toolkit and cuBLAS
CUDA_HOME_DIR=$(abspath "$CUDA_HOME_DIR")
NVCC="$CUDA_HOME_DIR/bin/nvcc"
[[ -x "$NVCC" ]] || die "no nvcc in $CUDA_HOME_DIR/bin"
CUDA_VERSION=$("$NVCC" --version | sed -n 's/.*release \([0-9]*\.[0-9]*\).*/\1/p')
CUDA_MAJOR=${CUDA_VERSION%%.*}
[[ -n "$CUDA_MAJOR" ]] || die "cannot read the CUDA version from $NVCC --version"

# First folder among the candidates holding the file, for toolkits laid out as lib64/, lib/ or targets/.
find_lib() {
    local name=$1; shift
    local d
    for d in "$@"; do
        [[ -e "$d/$name" ]] && { echo "$d/$name"; return 0; }
    done
    return 1
}
CUDA_LIB_DIRS=("$CUDA_HOME_DIR/lib64" "$CUDA_HOME_DIR/targets/x86_64-linux/lib" "$CUDA_HOME_DIR/lib")
CUBLAS_LIB_DIRS=("${CUDA_LIB_DIRS[@]}")
CMAKE_CUBLAS_ARGS=()
if [[ -n "$CUBLAS_DIR" ]]; then
    CUBLAS_DIR=$(abspath "$CUBLAS_DIR")
    CUBLAS_LIB_DIRS=("$CUBLAS_DIR/lib" "$CUBLAS_DIR/lib64")
    cublas=$(find_lib "libcublas.so.$CUDA_MAJOR" "${CUBLAS_LIB_DIRS[@]}") || die "no libcublas.so.$CUDA_MAJOR under $CUBLAS_DIR"
    cublaslt=$(find_lib "libcublasLt.so.$CUDA_MAJOR" "${CUBLAS_LIB_DIRS[@]}") || die "no libcublasLt.so.$CUDA_MAJOR under $CUBLAS_DIR"
    [[ -f "$CUBLAS_DIR/include/cublas_v2.h" ]] || die "no include/cublas_v2.h under $CUBLAS_DIR"
    # A wheel has only the versioned sonames, which find_library does not look for: name them, and add the headers
    # to every CUDA and C++ compile since the toolkit's include folder lacks them.
    CMAKE_CUBLAS_ARGS=(
        "-DCUDA_cublas_LIBRARY=$cublas"
        "-DCUDA_cublasLt_LIBRARY=$cublaslt"
        "-DCMAKE_CUDA_STANDARD_INCLUDE_DIRECTORIES=$CUBLAS_DIR/include"
        "-DCMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES=$CUBLAS_DIR/include"
    )
fi

# ---------------------------------------------------------------- architectures
if [[ "$ARCHS" == "native" ]]; then
    CMAKE_ARCHS="native"
else
    [[ "$ARCHS" =~ ^[0-9]+(;[0-9]+)*$ ]] || die "--archs wants numbers separated by ';' or 'native', got '$ARCHS'"
    IFS=';' read -r -a arch_list <<<"$ARCHS"
    mapfile -t arch_list < <(printf '%s\n' "${arch_list[@]}" | sort -n -u)
    # Machine code (SASS) for each generation; PTX only for the newest, so a GPU newer than all of them can still
    # compile it at load time, without the size of PTX for every one.
    CMAKE_ARCHS=""
    for a in "${arch_list[@]}"; do
        [[ "$a" == "${arch_list[-1]}" ]] && CMAKE_ARCHS+="$a" || CMAKE_ARCHS+="$a-real;"
    done
fi

# ---------------------------------------------------------------- configure and build
BUILD="$WORK/build-cuda$CUDA_MAJOR"
# java-llama.cpp's CMake writes a CUDA build here, inside its source tree (not src/main/resources/...).
LIB_DIR="$JAVA_LLAMA_SRC/src/main/resources_linux_cuda/de/kherud/llama/Linux/x86_64"
GENERATOR=()
command -v ninja >/dev/null && GENERATOR=(-G Ninja)

log "java-llama.cpp $JAVA_LLAMA_VERSION, llama.cpp b$LLAMA_BUILD ($LLAMA_COMMIT), CUDA $CUDA_VERSION, archs $CMAKE_ARCHS"
cmake -S "$JAVA_LLAMA_SRC" -B "$BUILD" "${GENERATOR[@]}" \
    -DCMAKE_BUILD_TYPE=Release \
    -DOS_NAME=Linux -DOS_ARCH=x86_64 \
    -DFETCHCONTENT_FULLY_DISCONNECTED=ON \
    "-DFETCHCONTENT_SOURCE_DIR_LLAMA.CPP=$LLAMA_SRC" \
    "-DFETCHCONTENT_SOURCE_DIR_JSON=$JSON_SRC" \
    -DGGML_CUDA=ON \
    "-DCMAKE_CUDA_ARCHITECTURES=$CMAKE_ARCHS" \
    "-DCMAKE_CUDA_COMPILER=$NVCC" \
    "-DCUDAToolkit_ROOT=$CUDA_HOME_DIR" \
    -DGGML_CUDA_NO_VMM=ON \
    -DGGML_NATIVE=OFF \
    -DLLAMA_CURL=OFF \
    -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON \
    '-DCMAKE_INSTALL_RPATH=$ORIGIN' \
    "${CMAKE_CUBLAS_ARGS[@]}" >&2
# GGML_CUDA_NO_VMM: the library then never links libcuda itself (the CUDA runtime opens the driver at run time), so
# it builds without a driver or stub and behaves the same wherever it was built; ggml falls back to its plain pool.
# GGML_NATIVE=OFF: the CPU half must run on any gaming PC, not only on the build machine's CPU; ggml then builds
# for AVX2/FMA/F16C, as the jar's CPU library does.

rm -f "$LIB_DIR/libjllama.so"
cmake --build "$BUILD" --target jllama -j "$JOBS" >&2
[[ -f "$LIB_DIR/libjllama.so" ]] || die "the build wrote no $LIB_DIR/libjllama.so"

# ---------------------------------------------------------------- the folder
OUT="${OUT:-$REPO_ROOT/natives/cuda-$CUDA_MAJOR}"
mkdir -p "$(dirname "$OUT")"
STAGE=$(mktemp -d "$(dirname "$OUT")/.cuda-stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cp "$LIB_DIR"/*.so "$STAGE/"

# The libraries every Linux PC has; everything else a library needs must be in the folder (or be the driver).
SYSTEM_LIBS='^(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|ld-linux-x86-64)\.so'
DRIVER_LIBS='^libcuda\.so\.1$'
GOMP=$(${CXX:-c++} -print-file-name=libgomp.so.1 2>/dev/null || true)

# Copy, by soname, each library the folder's libraries need until nothing is missing.
while :; do
    added=0
    for lib in "$STAGE"/*.so*; do
        for need in $(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            [[ "$need" =~ $SYSTEM_LIBS || "$need" =~ $DRIVER_LIBS || -e "$STAGE/$need" ]] && continue
            src=$(find_lib "$need" "${CUBLAS_LIB_DIRS[@]}" "${CUDA_LIB_DIRS[@]}" || true)
            # OpenMP (ggml's CPU threads) comes with the compiler, not with every distribution.
            [[ -z "$src" && "$need" == libgomp.so.1 && -f "$GOMP" ]] && src="$GOMP"
            [[ -n "$src" ]] || die "$(basename "$lib") needs $need, found neither in the folder nor in the toolkit"
            cp -L "$src" "$STAGE/$need"
            chmod 0755 "$STAGE/$need"
            added=1
        done
    done
    [[ $added == 1 ]] || break
done

# $ORIGIN on each library that needs a neighbour and does not look beside itself yet.
for lib in "$STAGE"/*.so*; do
    if readelf -d "$lib" | grep -q 'R\(UN\)\?PATH.*\[\$ORIGIN\]'; then continue; fi
    needs_neighbour=0
    for need in $(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        [[ -e "$STAGE/$need" ]] && needs_neighbour=1
    done
    [[ $needs_neighbour == 1 ]] && patchelf --set-rpath '$ORIGIN' "$lib"
done

# Nothing may resolve outside the folder but the system's C/C++ runtime and the driver: a PC has nothing else.
check_failed=0
for lib in "$STAGE"/*.so*; do
    while read -r line; do
        name=$(awk '{print $1}' <<<"$line")
        path=$(sed -n 's/.*=> \(\/[^ ]*\).*/\1/p' <<<"$line")
        [[ "$name" =~ ^linux-vdso || "$name" =~ ^/ ]] && continue
        if [[ "$name" =~ $DRIVER_LIBS ]]; then continue; fi
        if [[ -n "$path" && "$(dirname "$(readlink -f "$path")")" == "$(readlink -f "$STAGE")" ]]; then continue; fi
        if [[ "$name" =~ $SYSTEM_LIBS && -n "$path" ]]; then continue; fi
        log "ldd: $(basename "$lib") -> $line"
        check_failed=1
    done < <(env -u LD_LIBRARY_PATH ldd "$lib" | sed 's/^[[:space:]]*//')
done
[[ $check_failed == 0 ]] || die "libraries resolve outside the folder (above); the folder would not run on a bare PC"

# ---------------------------------------------------------------- architectures in the binary
# SASS for every requested architecture: a missing one would show only on that generation's cards, at their first load.
sass_archs() {
    if [[ -x "$CUDA_HOME_DIR/bin/cuobjdump" ]]; then
        "$CUDA_HOME_DIR/bin/cuobjdump" --list-elf "$1" | sed -n 's/.*\.sm_\([0-9]*\)[a-z]*\..*/\1/p' | sort -n -u
    elif command -v python3 >/dev/null; then
        python3 "$REPO_ROOT/deploy/natives/cuda-archs.py" "$1" \
            | python3 -c 'import json, sys; [print(a) for r in json.load(sys.stdin).values() for a in r["elf"]]'
    else
        return 1
    fi
}
if found=$(sass_archs "$STAGE/libjllama.so"); then
    log "SASS in libjllama.so: $(echo $found)"
    if [[ "$CMAKE_ARCHS" != "native" ]]; then
        for a in "${arch_list[@]}"; do
            grep -qx "$a" <<<"$found" || die "libjllama.so has no machine code for sm_$a"
        done
    fi
else
    log "WARNING: neither cuobjdump nor python3 here; the architectures in libjllama.so are not checked"
fi

# ---------------------------------------------------------------- manifest
# SASS architectures really in the library; a native build names them only after the compile.
if [[ "$CMAKE_ARCHS" == "native" ]]; then
    # "native" is whatever GPUs nvcc saw here: the same list nvidia-smi gives as compute capabilities.
    MANIFEST_ARCHS=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d ' .' | sort -n -u | paste -sd, - || true)
else
    MANIFEST_ARCHS=$(IFS=,; echo "${arch_list[*]}")
fi
[[ -n "$MANIFEST_ARCHS" ]] || die "cannot tell which architectures were built"

files_json=""
for f in "$STAGE"/*; do
    [[ -f "$f" ]] || continue
    entry=$(printf '{"name": "%s", "size": %d, "sha256": "%s"}' \
        "$(basename "$f")" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d' ' -f1)")
    files_json+="${files_json:+,
    }$entry"
done
cat >"$STAGE/manifest.json" <<EOF
{
  "cuda_version": "$CUDA_VERSION",
  "llama_cpp_build": "$LLAMA_BUILD ($LLAMA_COMMIT)",
  "java_llama_version": "$JAVA_LLAMA_VERSION",
  "architectures": [${MANIFEST_ARCHS//,/, }],
  "files": [
    $files_json
  ],
  "built_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF

rm -rf "$OUT"
mv "$STAGE" "$OUT"
trap - EXIT
chmod 0755 "$OUT"
log "done in $(( $(date +%s) - START )) s: $OUT ($(du -sh "$OUT" | cut -f1))"
ls -l "$OUT" >&2
