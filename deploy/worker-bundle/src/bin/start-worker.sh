#!/usr/bin/env sh
# Starts the rigpool worker with the settings in worker.properties (next to this script).
set -e
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" ${JAVA_OPTS:--Xmx512m -XX:+UseSerialGC} \
  -Dquarkus.config.locations="$here/worker.properties" \
  -Drigpool.worker.runner.jar="$here/runner/rigpool-runner.jar" \
  -jar "$here/worker/quarkus-run.jar" "$@"
