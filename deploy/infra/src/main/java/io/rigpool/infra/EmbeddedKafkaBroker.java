package io.rigpool.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Apache Kafka's own broker in KRaft mode (broker and controller in one node), started in this JVM. The storage is
 * formatted once; stopping and starting again keeps the port and the data, like a real broker restart. With a
 * {@link KafkaSecurity} the client listener takes only SASL/SCRAM and the broker's authorizer refuses whatever
 * {@link KafkaAccessPolicy} does not grant, over TLS too when the security has a {@link KafkaTls}; the controller
 * listener stays on loopback, unauthenticated, and is never advertised.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final int defaultPartitions;
    private final Optional<KafkaSecurity> security;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker(Path dataDir, int port, int defaultPartitions) {
        this(dataDir, port, defaultPartitions, Optional.empty());
    }

    public EmbeddedKafkaBroker(Path dataDir, int port, int defaultPartitions, Optional<KafkaSecurity> security) {
        this.dataDir = dataDir;
        this.port = port == 0 ? FreePorts.find() : port;
        this.controllerPort = FreePorts.find();
        this.defaultPartitions = defaultPartitions;
        this.security = security;
    }

    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        KafkaConfig config = new KafkaConfig(properties(), false);
        try {
            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                Files.createDirectories(dataDir);
                format(config);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka storage in " + dataDir, e);
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        security.ifPresent(this::provision);
        return this;
    }

    /** Users and ACLs live in the cluster metadata, so a restart keeps them; provisioning again changes nothing. */
    private void provision(KafkaSecurity s) {
        Map<String, Object> admin = new HashMap<>(s.adminSettings());
        admin.put("bootstrap.servers", bootstrapServers());
        try (Admin client = Admin.create(admin)) {
            s.provision(client);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not provision Kafka users and ACLs: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning Kafka users and ACLs", e);
        }
    }

    public Optional<KafkaSecurity> security() {
        return security;
    }

    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }

    private void format(KafkaConfig config) throws Exception {
        Formatter formatter = new Formatter();
        security.ifPresent(s -> formatter.setScramArguments(List.of(s.adminScramArgument())));
        formatter
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(config.nodeId())
                .setDirectories(List.of(dataDir.toString()))
                .setMetadataLogDirectory(Optional.of(dataDir.toString()))
                .setControllerListenerName("CONTROLLER")
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .run();
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        if (security.isPresent()) {
            KafkaSecurity s = security.get();
            String protocol = s.protocol();
            String listener = protocol.toLowerCase(java.util.Locale.ROOT);
            p.put("listeners", protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", protocol + "://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", protocol);
            p.put("sasl.enabled.mechanisms", KafkaSecurity.MECHANISM);
            p.put("sasl.mechanism.inter.broker.protocol", KafkaSecurity.MECHANISM);
            p.put("listener.name." + listener + ".scram-sha-512.sasl.jaas.config",
                    KafkaSecurity.jaas(KafkaSecurity.ADMIN_USER, s.adminPassword()));
            s.tls().ifPresent(tls -> p.putAll(tls.listenerSettings(listener)));
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("allow.everyone.if.no.acl.found", "false");
            // The controller listener is loopback only and unauthenticated: its requests come as ANONYMOUS.
            p.put("super.users", "User:" + KafkaSecurity.ADMIN_USER + ";User:ANONYMOUS");
        } else {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("log.dirs", dataDir.toString());
        p.put("metadata.log.dir", dataDir.toString());
        p.put("num.partitions", String.valueOf(defaultPartitions));
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Share groups (the job queues) keep their state in __share_group_state: 4 partitions start far quicker
        // than the default 50, like the offsets topic above. share.version itself is on: the storage is formatted
        // with the production features of 4.2, where share groups are production-ready.
        p.put("share.coordinator.state.topic.num.partitions", "4");
        // Lets a test give its group a lock of a second or two, to see a job outlive its lock without waiting 30 s.
        p.put("group.share.min.record.lock.duration.ms", "1000");
        // A share group archives a record handed back once it has been delivered this many times: its job would be
        // dropped without a word. The most Kafka 4.2 allows (default 5), since a restart of this broker inflates
        // the counts; the workers report a job failed before it gets there (worker/README.md, "poison").
        p.put("group.share.delivery.count.limit", "10");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        return p;
    }
}
