# The worker with its runner. On NVIDIA hosts build it on a CUDA base and give it a CUDA build of libjllama
# (see worker/README.md):
#   docker build -f deploy/docker/worker.Dockerfile \
#     --build-arg BASE=nvidia/cuda:12.6.3-runtime-ubuntu24.04 --build-arg LLAMA_LIB_DIR=native/cuda -t rigpool-worker-cuda .
# Without build args it is a CPU-only worker on a plain JRE.
ARG BASE=eclipse-temurin:21-jre
FROM ${BASE}
# CUDA base images have no Java; install one when the base lacks it.
RUN if ! command -v java >/dev/null 2>&1; then \
      apt-get update && apt-get install -y --no-install-recommends openjdk-21-jre-headless && rm -rf /var/lib/apt/lists/*; \
    fi
# Directory (in the build context) holding a CUDA build of libjllama; empty for the CPU-only library in the jar.
ARG LLAMA_LIB_DIR=
WORKDIR /app
COPY worker/agent/target/quarkus-app/ /app/worker/
COPY worker/runner/target/rigpool-runner.jar /app/runner/
COPY worker/runner/target/lib/ /app/runner/lib/
COPY ${LLAMA_LIB_DIR:-deploy/docker/no-native}/ /app/native/
# Only a CUDA build points the runners at /app/native: setting it also tells the planner this PC can offload layers.
ENV RIGPOOL_WORKER_RUNNER_NATIVE_LIBRARY_PATH=${LLAMA_LIB_DIR:+/app/native}
ENV RIGPOOL_WORKER_RUNNER_JAR=/app/runner/rigpool-runner.jar \
    RIGPOOL_WORKER_MODEL_DIR=/models \
    JAVA_OPTS="-XX:MaxRAMPercentage=25 -XX:+UseSerialGC"
VOLUME /models
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/worker/quarkus-run.jar"]
