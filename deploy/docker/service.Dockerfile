# JVM image of one rigpool Quarkus service. Build the app first (./mvnw -DskipTests package), then from the
# repository root:  docker build -f deploy/docker/service.Dockerfile --build-arg APP_DIR=gateway -t rigpool-gateway .
# Ubuntu-based (noble): its curl is what the compose healthchecks call; /bin/sh is dash.
FROM eclipse-temurin:21-jre-noble
ARG APP_DIR
WORKDIR /app
COPY ${APP_DIR}/target/quarkus-app/lib/ /app/lib/
COPY ${APP_DIR}/target/quarkus-app/*.jar /app/
COPY ${APP_DIR}/target/quarkus-app/app/ /app/app/
COPY ${APP_DIR}/target/quarkus-app/quarkus/ /app/quarkus/
# Not root: a UID with no account in the image, so it owns nothing but what the platform gives it (/tmp).
USER 185
# ExitOnOutOfMemoryError: a JVM that ran out of heap ends, and its supervisor (compose, Kubernetes) starts a clean
# one, rather than limping on with threads that died half-way.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
