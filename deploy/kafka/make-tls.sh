#!/bin/sh
# Makes the key pair that gives the broker's EXTERNAL listener (the one workers reach over the LAN) TLS:
#   make-tls.sh DIR HOST [HOST ...]
# writes DIR/kafka.p12 (the broker's key and self-signed certificate, PKCS12, owner-only, protected by
# $KAFKA_TLS_PASSWORD) and DIR/kafka-ca.pem (that certificate, which every worker trusts: worker.properties'
# kafka.ssl.truststore.location). Each HOST becomes a subject alternative name (an IPv4 address as ip:, anything
# else as dns:), so clients that check the broker's name (Kafka's default) accept it under the names they dial.
# An existing kafka.p12 is kept: workers already trust its certificate, and a new one would lock them all out.
# POSIX sh (compose runs it with the Kafka image's shell, tests with dash); needs keytool (any Java runtime has it).
set -eu

if [ "$#" -lt 2 ]; then
    echo "usage: make-tls.sh DIR HOST [HOST ...]" >&2
    exit 2
fi
dir=$1
shift
if [ -z "${KAFKA_TLS_PASSWORD:-}" ] || [ "${#KAFKA_TLS_PASSWORD}" -lt 16 ]; then
    echo "make-tls.sh: set KAFKA_TLS_PASSWORD (16 characters or more) to protect the broker's key" >&2
    exit 2
fi

keytool=keytool
if ! command -v keytool >/dev/null 2>&1; then
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/keytool" ]; then
        keytool=$JAVA_HOME/bin/keytool
    else
        echo "make-tls.sh: keytool not found (put a Java runtime's bin on PATH or set JAVA_HOME)" >&2
        exit 2
    fi
fi

if [ -f "$dir/kafka.p12" ] && [ -f "$dir/kafka-ca.pem" ]; then
    echo "make-tls.sh: $dir/kafka.p12 exists, kept"
    exit 0
fi

san=""
for host in "$@"; do
    case "$host" in
        *[!0-9.]*) entry="dns:$host" ;;
        *) entry="ip:$host" ;;
    esac
    san="${san:+$san,}$entry"
done

mkdir -p "$dir"
umask 077
# Written beside the target and renamed, so an interrupted run never leaves a keystore without its PEM.
rm -f "$dir/kafka.p12.new" "$dir/kafka-ca.pem.new"
"$keytool" -genkeypair -alias kafka -keyalg EC -groupname secp256r1 -validity 3650 \
    -dname "CN=$1" -ext "SAN=$san" -storetype PKCS12 -keystore "$dir/kafka.p12.new" \
    -storepass:env KAFKA_TLS_PASSWORD -keypass:env KAFKA_TLS_PASSWORD -noprompt
"$keytool" -exportcert -rfc -alias kafka -keystore "$dir/kafka.p12.new" -storepass:env KAFKA_TLS_PASSWORD \
    -file "$dir/kafka-ca.pem.new"
chmod 644 "$dir/kafka-ca.pem.new"
mv "$dir/kafka-ca.pem.new" "$dir/kafka-ca.pem"
mv "$dir/kafka.p12.new" "$dir/kafka.p12"
echo "make-tls.sh: wrote $dir/kafka.p12 and $dir/kafka-ca.pem for $san"
