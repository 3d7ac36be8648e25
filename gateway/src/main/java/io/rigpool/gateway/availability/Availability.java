package io.rigpool.gateway.availability;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.gateway.GatewayConfig;
import io.rigpool.gateway.Maintenance;
import io.rigpool.gateway.api.ApiException;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether PostgreSQL and Kafka are up, so a submission can be refused with 503 in microseconds while one is down,
 * instead of hanging or half-writing a job. Each is checked every {@code probe-period} (Kafka: the broker answers
 * a cluster description; PostgreSQL: a pooled connection is valid), and a failure of real work (a batch insert)
 * counts at once.
 */
@ApplicationScoped
public class Availability {

    public static final String DATABASE = "PostgreSQL";
    public static final String KAFKA = "Kafka";

    @Inject
    GatewayConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Maintenance maintenance;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private DependencyState database;
    private DependencyState kafka;
    private Admin admin;
    /** Whether the probe has found Kafka up at least once: a gateway starting before Kafka has no outage to heal. */
    private boolean kafkaSeenUp;
    /** When this gateway last saw Kafka go (null while it is up), and how many checks found it down since. */
    private Instant kafkaDownSince;
    private int kafkaFailedChecks;
    private volatile Outage lastKafkaOutage;

    /** A time Kafka was unreachable from this gateway, as its probe saw it: from its first failure to its return. */
    public record Outage(Instant downSince, Instant upAgain) {
    }

    @PostConstruct
    void createStates() {
        GatewayConfig.Availability settings = config.availability();
        // Three missed periods without any answer is down even if no check has failed outright (it hangs).
        Duration staleAfter = settings.probePeriod().plus(settings.probeTimeout()).multipliedBy(3);
        database = new DependencyState(DATABASE, staleAfter, System::nanoTime);
        kafka = new DependencyState(KAFKA, staleAfter, System::nanoTime);
    }

    void start(@Observes StartupEvent event) {
        GatewayConfig.Availability settings = config.availability();
        Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "rigpool-gateway-availability");
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) settings.probeTimeout().toMillis());
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) settings.probeTimeout().toMillis());
        admin = Admin.create(adminConfig);
        // Two jobs, so a check that hangs on one server does not hold the other's back.
        DependencyProbe kafkaProbe = new DependencyProbe(kafka, this::checkKafka);
        maintenance.every(settings.probePeriod(), "Kafka probe", () -> {
            kafkaProbe.checkOnce();
            observeKafka(kafka.up(), Instant.now());
        });
        maintenance.every(settings.probePeriod(), "PostgreSQL probe",
                new DependencyProbe(database, this::checkDatabase)::checkOnce);
    }

    void stop(@Observes ShutdownEvent event) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** @throws ApiException 503 with {@code Retry-After} while PostgreSQL or Kafka is down */
    public void requireUp() {
        DependencyState down = !database.up() ? database : !kafka.up() ? kafka : null;
        if (down != null) {
            throw ApiException.unavailable(down.name() + " is unavailable, so the gateway cannot take jobs right"
                    + " now; nothing was stored", retryAfter());
        }
    }

    public boolean databaseUp() {
        return database.up();
    }

    public boolean kafkaUp() {
        return kafka.up();
    }

    /**
     * The last time Kafka was unreachable and came back, if it did since this gateway started: the sweeper looks
     * for jobs whose records a broker restart left undelivered (GatewayConfig.Sweeper#outageMargin).
     */
    public Optional<Outage> lastKafkaOutage() {
        return Optional.ofNullable(lastKafkaOutage);
    }

    /**
     * Records the start and end of an outage from the probe's outcomes, one call per check (public for the sweeper's
     * tests). An outage is Kafka found down by two checks or more after it had been up: one check that timed out
     * (a busy machine, the gateway's own start) is not one, and a broker restart takes several.
     */
    public synchronized void observeKafka(boolean up, Instant now) {
        if (!up) {
            if (kafkaDownSince == null) {
                kafkaDownSince = now;
                kafkaFailedChecks = 0;
            }
            kafkaFailedChecks++;
            return;
        }
        if (kafkaDownSince != null && kafkaSeenUp && kafkaFailedChecks >= 2) {
            lastKafkaOutage = new Outage(kafkaDownSince, now);
        }
        kafkaDownSince = null;
        kafkaSeenUp = true;
    }

    public void databaseFailed(Throwable failure) {
        database.failed(failure.toString());
    }

    public Duration retryAfter() {
        return config.availability().retryAfter();
    }

    private void checkKafka() throws Exception {
        long timeoutMs = config.availability().probeTimeout().toMillis();
        admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs)).nodes()
                .get(timeoutMs + 500, TimeUnit.MILLISECONDS);
    }

    private void checkDatabase() throws SQLException {
        int timeoutSeconds = (int) Math.max(1, config.availability().probeTimeout().toSeconds());
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(timeoutSeconds)) {
                throw new SQLException("a pooled connection is no longer valid");
            }
        }
    }
}
