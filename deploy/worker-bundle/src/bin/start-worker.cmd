@echo off
rem Starts the rigpool worker with the settings in worker.properties (next to this script).
setlocal
set HERE=%~dp0
if "%JAVA_OPTS%"=="" set JAVA_OPTS=-Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError
set JAVA_BIN=java
if not "%JAVA_HOME%"=="" set JAVA_BIN=%JAVA_HOME%\bin\java
cd /d "%HERE%"
"%JAVA_BIN%" %JAVA_OPTS% "-Dquarkus.config.locations=%HERE%worker.properties" "-Drigpool.worker.runner.jar=%HERE%runner\rigpool-runner.jar" -jar "%HERE%worker\quarkus-run.jar" %*
