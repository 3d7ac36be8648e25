package io.rigpool.common.topics;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Kafka topic names shared by gateway, planner and worker. The gateway publishes a job to the topic of its model
 * and the worker subscribes to the same name, so both must derive it here.
 */
public final class Topics {

    public static final String JOBS_PREFIX = "rigpool.jobs.";
    public static final String RESULTS = "rigpool.results";
    public static final String TOKENS = "rigpool.tokens";
    public static final String CONTROL = "rigpool.control";
    public static final String MODELS = "rigpool.models";

    /** Kafka allows 249 characters in a topic name; the prefix takes some of them. */
    public static final int MAX_MODEL_ID_LENGTH = 249 - JOBS_PREFIX.length();

    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private Topics() {
    }

    public static String jobs(String modelId) {
        if (!isValidModelId(modelId)) {
            throw new IllegalArgumentException("not a model id: '" + modelId + "'");
        }
        return JOBS_PREFIX + modelId;
    }

    public static boolean isValidModelId(String modelId) {
        return modelId != null && modelId.length() <= MAX_MODEL_ID_LENGTH && MODEL_ID.matcher(modelId).matches()
                && !modelId.contains("..");
    }

    /**
     * Turns a file name stem such as {@code Llama-3.1-8B-Instruct-Q4_K_M} into a model id that is also a valid
     * topic name: lower case, every character outside {@code [a-z0-9._-]} replaced by '-'.
     */
    public static String modelIdOf(String fileStem) {
        String lower = fileStem.toLowerCase(Locale.ROOT);
        StringBuilder id = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            id.append(allowed ? c : '-');
        }
        String result = id.toString().replace("..", "-");
        while (!result.isEmpty() && !Character.isLetterOrDigit(result.charAt(0))) {
            result = result.substring(1);
        }
        if (result.length() > MAX_MODEL_ID_LENGTH) {
            result = result.substring(0, MAX_MODEL_ID_LENGTH);
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no model id can be made of '" + fileStem + "'");
        }
        return result;
    }
}
