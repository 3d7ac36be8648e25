# The worker with its runner and the CUDA natives this project builds (deploy/natives/build-cuda.sh), laid out as on
# a gaming PC: /app/natives/cuda-13 beside the worker, the CPU library inside java-llama.cpp's jar.
#   ./mvnw -DskipTests package && docker build -f deploy/docker/worker.Dockerfile -t rigpool-worker .
# The natives stage fetches java-llama.cpp, llama.cpp and nlohmann/json from GitHub and compiles llama.cpp's CUDA
# kernels for every RTX generation (--build-arg CUDA_ARCHS="89" for one card: much faster). On a host with an NVIDIA
# driver and the NVIDIA Container Toolkit the worker proves the CUDA library and offloads layers; elsewhere it finds
# no driver and runs on the CPU library.
ARG CUDA_DEVEL_IMAGE=nvidia/cuda:13.0.2-devel-ubuntu24.04
# A plain JRE: the natives folder carries its own CUDA runtime and cuBLAS, and the Container Toolkit mounts the
# driver (libcuda.so.1, nvidia-smi) into the container, so a CUDA runtime image would only add a second copy of
# what the folder has. Same Ubuntu release as the devel image, so the glibc the library was linked against is there.
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre-noble

FROM ${CUDA_DEVEL_IMAGE} AS natives
# patchelf sets RPATH $ORIGIN; python3 reads the built architectures should the image lack cuobjdump.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates cmake git ninja-build patchelf python3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the script reads: the root pom (java-llama.version) and the script itself, so that a change to the Java
# sources does not rebuild the natives.
COPY pom.xml ./
COPY deploy/natives/ deploy/natives/
ARG CUDA_ARCHS="75;86;89;120"
RUN deploy/natives/build-cuda.sh --archs "${CUDA_ARCHS}" --work /tmp/natives-work \
    && rm -rf /tmp/natives-work

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY worker/agent/target/quarkus-app/ /app/worker/
COPY worker/runner/target/rigpool-runner.jar /app/runner/
COPY worker/runner/target/lib/ /app/runner/lib/
# natives/cuda-<CUDA major>/ with its manifest.json: the worker tries the newest folder the driver supports.
COPY --from=natives /src/natives/ /app/natives/
ENV RIGPOOL_WORKER_RUNNER_NATIVES_DIR=/app/natives \
    RIGPOOL_WORKER_RUNNER_JAR=/app/runner/rigpool-runner.jar \
    RIGPOOL_WORKER_MODEL_DIR=/models \
    JAVA_OPTS="-XX:MaxRAMPercentage=25 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
# The Container Toolkit mounts only what these ask for: the CUDA driver (compute) and nvidia-smi (utility), which the
# worker reads for the driver's CUDA version and free VRAM. CUDA base images set them; a JRE image must.
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
VOLUME /models
# Not root: the worker runs llama.cpp on files that strangers may have supplied; it needs to write only under /tmp
# (runner folders, its demo model).
USER 185
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/worker/quarkus-run.jar"]
