package io.rigpool.worker.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunningReportTest {

    private final AtomicInteger sent = new AtomicInteger();
    private final RunningReport report = new RunningReport(sent::incrementAndGet);

    @Test
    void theTimerAndTheJobsEndSendItOnceBetweenThem() {
        report.send();
        report.send();

        assertEquals(1, sent.get());
    }

    @Test
    void aJobHandedBackSendsNoneEvenWhenItsTimerFiresAfterwards() {
        report.drop();
        report.send();

        assertEquals(0, sent.get());
    }
}
