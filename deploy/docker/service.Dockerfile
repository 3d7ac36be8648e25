# JVM image of one rigpool Quarkus service. Build the app first (./mvnw -DskipTests package), then from the
# repository root:  docker build -f deploy/docker/service.Dockerfile --build-arg APP_DIR=gateway -t rigpool-gateway .
FROM eclipse-temurin:21-jre
ARG APP_DIR
WORKDIR /app
COPY ${APP_DIR}/target/quarkus-app/lib/ /app/lib/
COPY ${APP_DIR}/target/quarkus-app/*.jar /app/
COPY ${APP_DIR}/target/quarkus-app/app/ /app/app/
COPY ${APP_DIR}/target/quarkus-app/quarkus/ /app/quarkus/
USER 185
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
