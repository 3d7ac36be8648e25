package io.rigpool.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.database.DatabaseUnavailableException;
import io.rigpool.infra.RigpoolQuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the results path retries and how long it waits, on the real database with the failures thrown by the work:
 * the production guard with its waits shortened to 50 ms doubling up to 100 ms.
 */
@RigpoolQuarkusTest
class OutageRetryTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void productionWaitsAre200MillisecondsDoublingUpTo5Seconds() {
        assertEquals(Duration.ofMillis(200), OutageRetry.FIRST_WAIT);
        assertEquals(Duration.ofSeconds(5), OutageRetry.MAX_WAIT);
    }

    @Test
    void anOutageIsWaitedOutWithWaitsThatDoubleUpToTheCeiling() throws Exception {
        OutageRetry retry = new OutageRetry(dataSource, Duration.ofMillis(50), Duration.ofMillis(100));
        List<Long> tries = new ArrayList<>();

        int answer = retry.run(connection -> {
            tries.add(System.nanoTime());
            if (tries.size() <= 4) {
                throw new DatabaseUnavailableException(new SQLException("connection refused", "08001"));
            }
            return 42;
        });

        assertEquals(42, answer);
        assertEquals(5, tries.size());
        long[] expectedWaits = {50, 100, 100, 100};
        for (int i = 0; i < expectedWaits.length; i++) {
            long waited = Duration.ofNanos(tries.get(i + 1) - tries.get(i)).toMillis();
            assertTrue(waited >= expectedWaits[i], "wait " + (i + 1) + " was " + waited + " ms");
        }
        // Without the ceiling the fourth wait would be 400 ms.
        long lastWait = Duration.ofNanos(tries.get(4) - tries.get(3)).toMillis();
        assertTrue(lastWait < 400, "the last wait was " + lastWait + " ms");
    }

    @Test
    void aSerializationFailureIsTriedAgain() throws Exception {
        AtomicInteger tries = new AtomicInteger();

        String answer = quickRetry().run(connection -> {
            if (tries.incrementAndGet() == 1) {
                throw new SQLException("could not serialize access", "40001");
            }
            return "stored";
        });

        assertEquals("stored", answer);
        assertEquals(2, tries.get());
    }

    @Test
    void aStatementPostgresqlRefusesComesBackAtOnceAsRefused() {
        SQLException refusal = new SQLException("invalid byte sequence for encoding", "22021");
        AtomicInteger tries = new AtomicInteger();

        OutageRetry.Refused refused = assertThrows(OutageRetry.Refused.class, () -> quickRetry().run(connection -> {
            tries.incrementAndGet();
            throw refusal;
        }));

        assertSame(refusal, refused.getCause());
        assertEquals(1, tries.get());
    }

    /** The production guard with waits short enough for a test. */
    private OutageRetry quickRetry() {
        return new OutageRetry(dataSource, Duration.ofMillis(10), Duration.ofMillis(20));
    }
}
