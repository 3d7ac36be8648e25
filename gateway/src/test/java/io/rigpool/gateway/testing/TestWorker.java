package io.rigpool.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.rigpool.common.topics.Topics;
import io.rigpool.proto.v1.JobRequest;
import io.rigpool.proto.v1.JobState;
import io.rigpool.proto.v1.JobUpdate;
import io.rigpool.proto.v1.TokenChunk;
import io.rigpool.proto.v1.TokenLogprob;
import io.rigpool.proto.v1.ToolCall;
import io.rigpool.proto.v1.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Plays a worker on real Kafka: reads the JobRequests of one model as they arrive and answers each as told, with
 * RUNNING, tokens and a final update, like the real worker. The static methods publish single events.
 */
public final class TestWorker implements AutoCloseable {

    private final String model;
    private final Consumer<JobRequest> behaviour;
    private final List<JobRequest> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;

    private TestWorker(String model, Consumer<JobRequest> behaviour) {
        this.model = model;
        this.behaviour = behaviour;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        this.thread = new Thread(this::work, "test-worker-" + model);
        this.thread.setDaemon(true);
    }

    /** Starts answering jobs of {@code model} published from now on. */
    public static TestWorker start(String model, Consumer<JobRequest> behaviour) {
        TestKafka.createTopic(Topics.jobs(model));
        TestWorker worker = new TestWorker(model, behaviour);
        // A topic created a moment ago may not be in the metadata yet. In this thread: the consumer is the worker's.
        List<TopicPartition> partitions = await("partitions of topic " + Topics.jobs(model))
                .atMost(TestKafka.DEADLINE).pollInSameThread().pollDelay(Duration.ZERO)
                .until(() -> TestKafka.partitions(worker.consumer, Topics.jobs(model)), p -> !p.isEmpty());
        worker.consumer.assign(partitions);
        worker.consumer.seekToEnd(partitions);
        partitions.forEach(worker.consumer::position);
        worker.thread.start();
        return worker;
    }

    /** A behaviour: RUNNING, the tokens, then SUCCEEDED with their text and usage. */
    public static Consumer<JobRequest> answering(List<String> tokens) {
        return request -> {
            running(request.getJobId());
            for (int i = 0; i < tokens.size(); i++) {
                token(request.getJobId(), i, tokens.get(i), i == tokens.size() - 1);
            }
            succeeded(request.getJobId(), String.join("", tokens), request.getMessagesCount() * 5, tokens.size(),
                    "stop");
        };
    }

    public List<JobRequest> received() {
        return received;
    }

    private void work() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    JobRequest request = JobRequest.parseFrom(record.value());
                    received.add(request);
                    behaviour.accept(request);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            throw new IllegalStateException("test worker for " + model + " failed", e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void running(String jobId) {
        update(JobUpdate.newBuilder().setJobId(jobId).setState(JobState.JOB_STATE_RUNNING).setNodeId("test-node"));
    }

    public static void token(String jobId, int seq, String text, boolean last) {
        token(jobId, seq, text, List.of(), last);
    }

    /** A chunk with the tokens it came from, as a worker sends it for a job that asked for logprobs. */
    public static void token(String jobId, int seq, String text, List<TokenLogprob> logprobs, boolean last) {
        TestKafka.send(Topics.TOKENS, jobId, TokenChunk.newBuilder().setJobId(jobId).setNodeId("test-node").setSeq(seq).setText(text)
                .addAllLogprobs(logprobs).setLast(last).build().toByteArray());
    }

    /** The end of a job whose answer holds logprobs or calls of tools. */
    public static void succeeded(String jobId, String text, List<TokenLogprob> logprobs, List<ToolCall> toolCalls,
            String finishReason) {
        update(JobUpdate.newBuilder().setJobId(jobId).setState(JobState.JOB_STATE_SUCCEEDED).setNodeId("test-node")
                .setText(text).setFinishReason(finishReason).addAllLogprobs(logprobs).addAllToolCalls(toolCalls)
                .setUsage(Usage.newBuilder().setPromptTokens(5).setCompletionTokens(Math.max(1, logprobs.size()))));
    }

    public static void succeeded(String jobId, String text, int promptTokens, int completionTokens,
            String finishReason) {
        update(JobUpdate.newBuilder().setJobId(jobId).setState(JobState.JOB_STATE_SUCCEEDED).setNodeId("test-node")
                .setText(text).setFinishReason(finishReason)
                .setUsage(Usage.newBuilder().setPromptTokens(promptTokens).setCompletionTokens(completionTokens)));
    }

    public static void failed(String jobId, String error) {
        update(JobUpdate.newBuilder().setJobId(jobId).setState(JobState.JOB_STATE_FAILED).setNodeId("test-node")
                .setError(error));
    }

    public static void cancelled(String jobId, String partialText) {
        update(JobUpdate.newBuilder().setJobId(jobId).setState(JobState.JOB_STATE_CANCELLED).setNodeId("test-node")
                .setText(partialText).setFinishReason("cancelled"));
    }

    private static void update(JobUpdate.Builder update) {
        JobUpdate built = update.setAtMs(System.currentTimeMillis()).build();
        TestKafka.send(Topics.RESULTS, built.getJobId(), built.toByteArray());
    }
}
