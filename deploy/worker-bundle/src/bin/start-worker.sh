#!/usr/bin/env sh
# Starts the rigpool worker with the settings in worker.properties (next to this script).
set -e
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# ExitOnOutOfMemoryError: a worker out of heap ends instead of limping on; start it from a service manager
# (systemd Restart=on-failure) to have it back at once.
exec "$java_bin" ${JAVA_OPTS:--Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError} \
  -Dquarkus.config.locations="$here/worker.properties" \
  -Drigpool.worker.runner.jar="$here/runner/rigpool-runner.jar" \
  -jar "$here/worker/quarkus-run.jar" "$@"
