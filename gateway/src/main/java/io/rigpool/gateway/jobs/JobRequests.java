package io.rigpool.gateway.jobs;

import io.rigpool.proto.v1.JobRequest;
import java.time.Instant;
import java.util.UUID;

/** Turns a stored job into the {@link JobRequest} a worker reads from the model's topic. */
public final class JobRequests {

    private JobRequests() {
    }

    public static JobRequest of(JobEntity job) {
        return of(job.id, job.spec(), job.createdAt);
    }

    public static JobRequest of(UUID id, JobSpec spec, Instant createdAt) {
        JobRequest.Builder request = JobRequest.newBuilder()
                .setJobId(id.toString())
                .setModel(spec.model())
                .setMaxTokens(spec.maxTokens())
                .setTemperature((float) spec.temperature())
                .setTopP((float) spec.topP())
                .addAllStop(spec.stop())
                .setSubmittedAtMs(createdAt.toEpochMilli())
                .setStream(spec.stream());
        for (ChatMessage message : spec.messages()) {
            request.addMessages(io.rigpool.proto.v1.ChatMessage.newBuilder()
                    .setRole(message.role())
                    .setContent(message.content()));
        }
        if (spec.seed() != null) {
            request.setHasSeed(true).setSeed(spec.seed());
        }
        return request.build();
    }
}
