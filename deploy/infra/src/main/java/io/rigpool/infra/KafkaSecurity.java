package io.rigpool.infra;

import io.rigpool.common.files.OwnerOnlyFile;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Authentication for a broker this project starts: SASL/SCRAM-SHA-512, an admin (super user) that provisions, and
 * one user per {@link KafkaRole} with the rights of {@link KafkaAccessPolicy}. Passwords are random per stack.
 */
public record KafkaSecurity(String adminPassword, Map<KafkaRole, String> passwords, Optional<KafkaTls> tls) {

    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String ADMIN_USER = "rigpool-admin";
    private static final int ITERATIONS = 8192;

    public KafkaSecurity(String adminPassword, Map<KafkaRole, String> passwords) {
        this(adminPassword, passwords, Optional.empty());
    }

    public KafkaSecurity {
        passwords = Map.copyOf(passwords);
        tls = tls == null ? Optional.empty() : tls;
        if (adminPassword == null || passwords.size() != KafkaRole.values().length
                || passwords.values().stream().anyMatch(pw -> pw == null || pw.isEmpty())) {
            throw new IllegalArgumentException("a password for the admin and for every role is needed");
        }
    }

    /**
     * The credentials kept beside a broker's data (owner-only file): a broker formatted with an admin password must
     * be given the same one at every start.
     */
    public static KafkaSecurity loadOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            Map<KafkaRole, String> passwords = new EnumMap<>(KafkaRole.class);
            for (KafkaRole role : KafkaRole.values()) {
                passwords.put(role, p.getProperty(role.defaultUser()));
            }
            return new KafkaSecurity(p.getProperty(ADMIN_USER), passwords);
        }
        KafkaSecurity security = generate();
        Properties p = new Properties();
        p.setProperty(ADMIN_USER, security.adminPassword());
        security.passwords().forEach((role, password) -> p.setProperty(role.defaultUser(), password));
        StringWriter text = new StringWriter();
        p.store(text, "Kafka SCRAM credentials of this stack's broker");
        OwnerOnlyFile.write(file, text.toString());
        return security;
    }

    public static KafkaSecurity generate() {
        Map<KafkaRole, String> passwords = new EnumMap<>(KafkaRole.class);
        for (KafkaRole role : KafkaRole.values()) {
            passwords.put(role, randomPassword());
        }
        return new KafkaSecurity(randomPassword(), passwords);
    }

    /** The same users over a listener with TLS. */
    public KafkaSecurity withTls(KafkaTls tls) {
        return new KafkaSecurity(adminPassword, passwords, Optional.of(tls));
    }

    /** Kafka client settings (without the {@code kafka.} prefix) for a role's user. */
    public Map<String, String> clientSettings(KafkaRole role) {
        return clientSettings(role.defaultUser(), passwords.get(role));
    }

    /** Kafka client settings for the admin, who may do anything (tests read every topic with them). */
    public Map<String, String> adminSettings() {
        return clientSettings(ADMIN_USER, adminPassword);
    }

    /** Kafka client settings for any user of this broker (a per-PC worker user, say). */
    public Map<String, String> clientSettings(String user, String password) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", protocol());
        settings.put("sasl.mechanism", MECHANISM);
        settings.put("sasl.jaas.config", jaas(user, password));
        tls.ifPresent(t -> settings.putAll(t.clientSettings()));
        return settings;
    }

    /** The client listener's security protocol. */
    public String protocol() {
        return tls.isPresent() ? "SASL_SSL" : "SASL_PLAINTEXT";
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** The admin's credential as {@code kafka-storage format --add-scram} takes it, to exist from the first start. */
    String adminScramArgument() {
        return MECHANISM + "=[name=" + ADMIN_USER + ",password=" + adminPassword + "]";
    }

    /** Creates (or updates) every role's user and its ACLs; run by the admin, idempotent. */
    public void provision(Admin admin) throws ExecutionException, InterruptedException {
        ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
        List<UserScramCredentialUpsertion> users = passwords.entrySet().stream()
                .map(e -> new UserScramCredentialUpsertion(e.getKey().defaultUser(), info, e.getValue())).toList();
        admin.alterUserScramCredentials(List.copyOf(users)).all().get();
        for (KafkaRole role : KafkaRole.values()) {
            admin.createAcls(KafkaAccessPolicy.bindings(role, role.defaultUser())).all().get();
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
