package io.rigpool.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TLS for a broker's client listener: the broker's key store (PKCS12, as deploy/kafka/make-tls.sh writes it) and the
 * certificate clients trust (PEM). SCRAM alone keeps passwords off the wire but not prompts and results; on a LAN
 * that is not trusted, this is what keeps them private.
 */
public record KafkaTls(Path keyStore, String keyStorePassword, Path trustedCertificate) {

    public KafkaTls {
        if (!Files.isRegularFile(keyStore) || !Files.isRegularFile(trustedCertificate)) {
            throw new IllegalArgumentException("no Kafka TLS key store " + keyStore + " or certificate "
                    + trustedCertificate + " (deploy/kafka/make-tls.sh writes both)");
        }
    }

    /** The key store and certificate make-tls.sh wrote to a folder. */
    public static KafkaTls inFolder(Path dir, String keyStorePassword) {
        return new KafkaTls(dir.resolve("kafka.p12"), keyStorePassword, dir.resolve("kafka-ca.pem"));
    }

    /** What a client adds to trust the broker (without the {@code kafka.} prefix). */
    public Map<String, String> clientSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ssl.truststore.type", "PEM");
        settings.put("ssl.truststore.location", trustedCertificate.toAbsolutePath().toString());
        return settings;
    }

    /** What the broker sets on the listener {@code listener} (lower case, as Kafka prefixes listener settings). */
    Map<String, String> listenerSettings(String listener) {
        String prefix = "listener.name." + listener + ".";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(prefix + "ssl.keystore.type", "PKCS12");
        settings.put(prefix + "ssl.keystore.location", keyStore.toAbsolutePath().toString());
        settings.put(prefix + "ssl.keystore.password", keyStorePassword);
        // The broker is a client of its own listener too (inter-broker traffic): it trusts its own certificate.
        settings.put(prefix + "ssl.truststore.type", "PEM");
        settings.put(prefix + "ssl.truststore.location", trustedCertificate.toAbsolutePath().toString());
        return settings;
    }
}
