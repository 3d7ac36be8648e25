package io.rigpool.gateway.jobs;

import io.rigpool.proto.v1.JobRequest;

/** Turns a stored job into the {@link JobRequest} a worker reads from the model's topic. */
public final class JobRequests {

    private JobRequests() {
    }

    public static JobRequest of(JobEntity job) {
        JobRequest.Builder request = JobRequest.newBuilder()
                .setJobId(job.id.toString())
                .setModel(job.model)
                .setMaxTokens(job.maxTokens)
                .setTemperature((float) job.temperature)
                .setTopP((float) job.topP)
                .addAllStop(job.stop)
                .setSubmittedAtMs(job.createdAt.toEpochMilli());
        for (ChatMessage message : job.messages) {
            request.addMessages(io.rigpool.proto.v1.ChatMessage.newBuilder()
                    .setRole(message.role())
                    .setContent(message.content()));
        }
        if (job.seed != null) {
            request.setHasSeed(true).setSeed(job.seed);
        }
        return request.build();
    }
}
