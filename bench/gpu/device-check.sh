#!/usr/bin/env bash
# The whole GPU check as ONE command for a bare lent GPU machine (x86-64, one NVIDIA GPU, nvcc, CMake, ninja, no
# network, maybe no JDK): builds the CUDA natives there with deploy/natives/build-cuda.sh (--archs native), measures
# the GPU's read bandwidth, runs `bench/run gpu`'s benchmark with --natives on the built folder, and copies what it
# found to $OUT (at most 8 files: device-check.log, nvidia-smi.txt, natives-build.log, natives-manifest.json,
# gpu.json, gpu-table.txt, llama-logs.tar.gz).
#
#   bench/gpu/device-check.sh [--cpu] [--carried-jre] [--natives DIR] [--budget-seconds N] [-- BENCHMARK ARGS...]
#
#   --cpu            skip the CUDA build and run on the jar's CPU library (automatic when nvidia-smi is absent): the
#                    same path, to prove the script on a machine without a GPU
#   --carried-jre    use the carried Java runtime even where a `java` is on the PATH (to prove it)
#   --natives DIR    use an already built natives folder instead of building one
#   --budget-seconds the whole command's time (default 480): the build gets what the benchmark does not need, and
#                    the benchmark starts no new point once its share is spent (gpu.json is rewritten after every
#                    point, so a cut-short run still returns every point it measured)
#   BENCHMARK ARGS   passed on, e.g. -- --tokens 32 --models llama-3.1
#
# Needs bench/gpu/carry from bench/gpu/prepare-device.sh (carry it with the device tool). Output goes to $OUT, or
# bench/target/device-check-out when OUT is unset. See bench/README.md, section gpu.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
started=$(date +%s)
mode=auto carried_jre=0 natives="" budget=480
bench_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cpu) mode=cpu; shift ;;
    --carried-jre) carried_jre=1; shift ;;
    --natives) natives="$2"; shift 2 ;;
    --budget-seconds) budget="$2"; shift 2 ;;
    --) shift; bench_args=("$@"); break ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "device-check: unknown option $1" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-$root/bench/target/device-check-out}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/device-check.log") 2>&1
carry="$root/bench/gpu/carry"
# Kept between calls on a warm machine (an ignored folder of the checkout), so a rerun skips the natives build.
work="$root/bench/gpu/.device-work"
mkdir -p "$work"
elapsed() { echo $(( $(date +%s) - started )); }
step() { printf '\n[device-check %4ss] %s\n' "$(elapsed)" "$*"; }
die() { printf '[device-check %4ss] ERROR: %s\n' "$(elapsed)" "$*"; exit 1; }

step "machine: $(uname -m), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), budget ${budget}s"
[[ -d "$carry" ]] || die "no $carry: run bench/gpu/prepare-device.sh here first and carry bench/gpu/carry"
cat "$carry/SOURCES.txt" 2>/dev/null
if [[ $mode == auto ]]; then
  if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then mode=gpu; else mode=cpu; fi
fi
step "mode: $mode"
for tool in nvidia-smi nvcc cmake ninja git patchelf readelf ldd sha256sum python3 java; do
  printf '  %-10s %s\n' "$tool" "$(command -v "$tool" || echo '(absent)')"
done
if [[ $mode == gpu ]]; then
  nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,compute_cap --format=csv >>"$OUT/nvidia-smi.txt" 2>&1
  head -20 "$OUT/nvidia-smi.txt"
fi

# ------------------------------------------------------------------ Java
java_ok() { command -v java >/dev/null && java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; }
if [[ $carried_jre == 1 ]] || ! java_ok; then
  step "unpacking the carried Java runtime"
  rm -rf "$work/jre" && tar -C "$work" -xJf "$carry/jre.tar.xz" || die "cannot unpack $carry/jre.tar.xz"
  export PATH="$work/jre/bin:$PATH"
fi
java -version 2>&1 | head -1
[[ -x "$carry/tools/patchelf" ]] && ! command -v patchelf >/dev/null && export PATH="$PATH:$carry/tools"

# ------------------------------------------------------------------ CUDA natives
natives_args=()
if [[ $mode == gpu ]]; then
  if [[ -n "$natives" ]]; then
    step "using the natives folder given: $natives"
  elif [[ -f "$work/natives-cuda/manifest.json" && -f "$work/natives-cuda/libjllama.so" ]]; then
    natives="$work/natives-cuda"
    step "reusing the natives built by an earlier call on this machine: $natives"
  else
    # RIGPOOL_BUILD_CUDA names another build script (to test this script's GPU path with a stand-in).
    build_cuda="${RIGPOOL_BUILD_CUDA:-deploy/natives/build-cuda.sh}"
    step "building the CUDA natives ($build_cuda --archs native)"
    rm -rf "$work/src" && tar -C "$work" -xJf "$carry/src.tar.xz" || die "cannot unpack $carry/src.tar.xz"
    if ! command -v git >/dev/null; then
      # build-cuda.sh and llama.cpp's CMake ask git only for the carried llama.cpp's commit and commit count; where
      # the image has no git, a stand-in answers exactly those from the commit prepare-device.sh recorded.
      mkdir -p "$work/shim"
      cat >"$work/shim/git" <<SHIM
#!/bin/sh
commit=\$(cat "$work/src/LLAMA_COMMIT")
case "\$*" in
  *"rev-parse --short=8 HEAD"*) echo "\$commit" | cut -c1-8 ;;
  *"rev-parse --short HEAD"*) echo "\$commit" | cut -c1-7 ;;
  *"rev-parse HEAD"*) echo "\$commit" ;;
  *"rev-list --count HEAD"*) echo 1 ;;
  *"--version"*) echo "git version 2.39.0 (rigpool device-check stand-in)" ;;
  *) exit 128 ;;
esac
SHIM
      chmod +x "$work/shim/git"
      export PATH="$PATH:$work/shim"
      echo "no git on this machine: using the stand-in $work/shim/git"
    fi
    # The toolkit: $CUDA_HOME, else /usr/local/cuda, else the folder above the nvcc on the PATH.
    cuda_home=${CUDA_HOME:-}
    [[ -n "$cuda_home" && -x "$cuda_home/bin/nvcc" ]] || cuda_home=/usr/local/cuda
    [[ -x "$cuda_home/bin/nvcc" ]] || cuda_home=$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")
    cublas_args=()
    # The image's toolkit may lack cuBLAS; its Python packages hold NVIDIA's cuBLAS wheel (nvidia/cu13/...).
    if ! ls "$cuda_home"/lib64/libcublas.so.* "$cuda_home"/targets/x86_64-linux/lib/libcublas.so.* >/dev/null 2>&1; then
      roots=$(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null)
      cublas_lib=$(find $roots /opt /usr/local /usr/lib -maxdepth 8 -name 'libcublas.so.[0-9]*' -path '*nvidia*' \
        2>/dev/null | head -1)
      if [[ -n "$cublas_lib" ]]; then
        cublas_args=(--cublas-dir "$(dirname "$(dirname "$cublas_lib")")")
      else
        echo "WARNING: no cuBLAS in $cuda_home nor in any nvidia Python package; the build will say what it misses"
      fi
    fi
    # What the benchmark needs at least (two models, six points each, on this machine): 200 s; the build gets the rest.
    build_limit=$(( budget - $(elapsed) - 200 ))
    echo "cuda home $cuda_home; ${cublas_args[*]:-cuBLAS from the toolkit}; build limit ${build_limit}s"
    if (( build_limit < 60 )); then
      echo "no time left for the natives build (${build_limit}s)" >"$OUT/natives-build.log"
      rc=124
    elif [[ -x "$build_cuda" ]]; then
      timeout "$build_limit" "$build_cuda" \
        --java-llama-src "$work/src/java-llama.cpp" --llama-src "$work/src/llama.cpp" \
        --llama-build "$(cat "$work/src/LLAMA_BUILD")" --json-src "$work/src/json" --cuda-home "$cuda_home" \
        "${cublas_args[@]}" --archs native --jobs "$(nproc)" --out "$work/natives-cuda.tmp" \
        --work "$work/natives-build" >"$OUT/natives-build.log" 2>&1
      rc=$?
    else
      echo "no $build_cuda in this checkout" >"$OUT/natives-build.log"
      rc=127
    fi
    tail -5 "$OUT/natives-build.log"
    if [[ $rc == 0 && -f "$work/natives-cuda.tmp/libjllama.so" ]]; then
      rm -rf "$work/natives-cuda" && mv "$work/natives-cuda.tmp" "$work/natives-cuda"
      natives="$work/natives-cuda"
    else
      # The benchmark still runs: with the CPU library it records why no layer reached the GPU.
      echo "natives build FAILED (exit $rc, 124 = out of time); the benchmark runs on the CPU library"
    fi
  fi
  if [[ -n "$natives" ]]; then
    natives_args=(--natives "$natives")
    cp "$natives/manifest.json" "$OUT/natives-manifest.json" 2>/dev/null
    ls -l "$natives"
  fi

  step "GPU read bandwidth (bench/gpu/membw.cu)"
  if nvcc -O2 -arch=native -o "$work/membw" bench/gpu/membw.cu >/dev/null 2>&1 \
    && timeout 60 "$work/membw" >"$work/membw.txt"; then
    cat "$work/membw.txt"
    gbps=$(awk '/^read_gbps/ {print $2}' "$work/membw.txt")
    [[ -n "$gbps" ]] && natives_args+=(--gpu-bandwidth-gbps "$gbps")
  else
    echo "could not measure (the datasheet figure is used alone)"
  fi
fi

# ------------------------------------------------------------------ benchmark
remaining=$(( budget - $(elapsed) ))
(( remaining > 60 )) || die "no time left for the benchmark (${remaining}s)"
step "benchmark (${remaining}s left)"
logs="$work/llama-logs"
rm -rf "$logs" && mkdir -p "$logs"
# No new point starts in the last 45 s (a point takes up to ~40 s here), and the JVM is stopped 10 s before the end.
timeout "$(( remaining - 10 ))" java -Xmx4g -Drigpool.home="$root" \
  -cp "$carry/app/rigpool-bench.jar:$carry/app/lib/*" io.rigpool.bench.gpu.GpuOffloadBenchmark \
  --runner "$carry/app/rigpool-runner.jar" "${natives_args[@]}" --deadline-seconds "$(( remaining - 45 ))" \
  --out "$OUT/gpu.json" --logs "$logs" "${bench_args[@]}" | tee "$OUT/gpu-table.txt"
rc=${PIPESTATUS[0]}
tar -C "$logs" -czf "$OUT/llama-logs.tar.gz" . 2>/dev/null
step "done in $(elapsed)s (benchmark exit $rc); files in $OUT:"
ls -l "$OUT"
exit "$rc"
