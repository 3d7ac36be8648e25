package io.rigpool.gguf.tiny;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.write.GgufWriter;
import io.rigpool.gguf.write.TensorEncoding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a small but complete chat model (llama architecture, or qwen3 / qwen3moe for the current llama.cpp): a SentencePiece-style vocabulary with byte fallback,
 * a ChatML chat template (one that knows tools for qwen3), and seeded random weights. It loads in llama.cpp and generates (nonsense) text, which is
 * all the tests and the worker's demo mode need; no weights can be downloaded on the machines this runs on.
 *
 * <p>The output rows of control, byte and unknown tokens are zero, so greedy decoding always picks a word and a
 * job's text is never empty; end-of-sequence is reached through max_tokens or a stop string.
 */
public final class TinyChatModel {

    public static final String CHAT_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /**
     * Qwen 2.5's template (Hermes-style tool calls), with a neutral default system prompt where tools need one and
     * none without (so a chat without tools renders as with {@link #CHAT_TEMPLATE}): it renders tools and
     * {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>} blocks, and takes {@code tool} turns back as
     * {@code <tool_response>}. llama-server recognises the format from the template and parses the calls, and
     * constrains a forced call with a grammar, so even random weights make a parsable one. The qwen3 models carry
     * it; the llama model keeps plain ChatML, which b4916's built-in templates also know.
     */
    public static final String TOOLS_CHAT_TEMPLATE = """
{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
""";

    public static final String LLAMA = "llama";
    public static final String QWEN3 = "qwen3";
    public static final String QWEN3MOE = "qwen3moe";

    private static final int TYPE_NORMAL = 1;
    private static final int TYPE_UNKNOWN = 2;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_BYTE = 6;

    private static final String[] WORDS = {"the", "a", "cat", "dog", "sat", "on", "mat", "rig", "pool", "gpu",
        "layer", "fast", "slow", "token", "hello", "world", "model", "game", "card", "fan", "is", "and", "of", "to",
        "in", "it", "we", "run", "red", "blue", "green", "light", "dark", "night", "day", "sun", "moon", "star",
        "sky", "sea", "tree", "house", "road", "river", "cloud", "rain", "snow", "wind", "fire", "stone", "memory",
        "fits", "share", "room", "owner", "plays", "quiet", "loud", "warm", "cold", "kernel", "cache", "queue"};

    /**
     * Shape of the model. Every width must be a multiple of 32 so that Q8_0 rows are whole blocks.
     *
     * @param architecture {@code llama} (loads in both engines), or {@code qwen3} / {@code qwen3moe}, which only a
     *     current llama.cpp (the llama-server engine) loads
     * @param experts      experts per layer of a {@code qwen3moe} model (0 for a dense one); each is
     *     {@code feedForward} wide
     * @param expertsUsed  experts a token is routed to
     */
    public record Spec(String name, int layers, int embedding, int feedForward, int heads, int kvHeads,
            int contextLength, GgmlType weightType, long seed, String architecture, int experts, int expertsUsed) {

        public Spec(String name, int layers, int embedding, int feedForward, int heads, int kvHeads,
                int contextLength, GgmlType weightType, long seed) {
            this(name, layers, embedding, feedForward, heads, kvHeads, contextLength, weightType, seed, LLAMA, 0, 0);
        }

        public Spec {
            if (!List.of(LLAMA, QWEN3, QWEN3MOE).contains(architecture)) {
                throw new IllegalArgumentException("architecture: " + architecture + " (llama, qwen3, qwen3moe)");
            }
            if (architecture.equals(QWEN3MOE) != (experts > 0)) {
                throw new IllegalArgumentException("experts: " + experts + " for " + architecture
                        + " (only qwen3moe has experts)");
            }
            if (experts > 0 && (expertsUsed < 1 || expertsUsed > experts)) {
                throw new IllegalArgumentException("expertsUsed: " + expertsUsed + " of " + experts);
            }
        }

        /** About 3 MB at Q8_0: loads in well under a second and decodes hundreds of tokens per second. */
        public static Spec standard() {
            return new Spec("rigpool-tiny", 4, 256, 512, 4, 2, 4096, GgmlType.Q8_0, 42);
        }

        /** The smallest useful model, for measuring the pipeline's own overhead. */
        public static Spec micro() {
            return new Spec("rigpool-micro", 2, 64, 128, 2, 1, 2048, GgmlType.F32, 7);
        }

        /** A dense model of an architecture java-llama.cpp (b4916) does not know: per-head Q and K norms. */
        public static Spec qwen3() {
            return new Spec("rigpool-tiny-qwen3", 4, 256, 512, 4, 2, 4096, GgmlType.Q8_0, 43, QWEN3, 0, 0);
        }

        /** A mixture of experts: 8 experts per layer, 2 read per token. */
        public static Spec qwen3Moe() {
            return new Spec("rigpool-tiny-qwen3moe", 4, 256, 128, 4, 2, 4096, GgmlType.Q8_0, 44, QWEN3MOE, 8, 2);
        }

        public Spec withWeightType(GgmlType type) {
            return new Spec(name, layers, embedding, feedForward, heads, kvHeads, contextLength, type, seed,
                    architecture, experts, expertsUsed);
        }

        public Spec withLayers(int n) {
            return new Spec(name, n, embedding, feedForward, heads, kvHeads, contextLength, weightType, seed,
                    architecture, experts, expertsUsed);
        }

        public Spec withEmbedding(int n, int ff) {
            return new Spec(name, layers, n, ff, heads, kvHeads, contextLength, weightType, seed, architecture,
                    experts, expertsUsed);
        }
    }

    private record Vocabulary(List<String> tokens, float[] scores, int[] types, int bos, int eos, int unk) {
    }

    private TinyChatModel() {
    }

    public static Path write(Path file, Spec spec) throws IOException {
        Vocabulary vocab = vocabulary();
        int nVocab = vocab.tokens().size();
        int headDim = spec.embedding() / spec.heads();
        int kvWidth = headDim * spec.kvHeads();
        SplittableRandom random = new SplittableRandom(spec.seed());

        String a = spec.architecture();
        GgufWriter gguf = new GgufWriter()
                .putString("general.architecture", a)
                .putString("general.name", spec.name())
                .putUint32("general.file_type", fileType(spec.weightType()))
                .putUint32(a + ".context_length", spec.contextLength())
                .putUint32(a + ".embedding_length", spec.embedding())
                .putUint32(a + ".block_count", spec.layers())
                .putUint32(a + ".feed_forward_length", spec.feedForward())
                .putUint32(a + ".attention.head_count", spec.heads())
                .putUint32(a + ".attention.head_count_kv", spec.kvHeads())
                .putUint32(a + ".rope.dimension_count", headDim)
                .putFloat32(a + ".rope.freq_base", 10000.0)
                .putFloat32(a + ".attention.layer_norm_rms_epsilon", 1e-5)
                .putUint32(a + ".vocab_size", nVocab)
                .putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", vocab.tokens())
                .putFloat32Array("tokenizer.ggml.scores", vocab.scores())
                .putInt32Array("tokenizer.ggml.token_type", vocab.types())
                .putUint32("tokenizer.ggml.bos_token_id", vocab.bos())
                .putUint32("tokenizer.ggml.eos_token_id", vocab.eos())
                .putUint32("tokenizer.ggml.unknown_token_id", vocab.unk())
                .putBool("tokenizer.ggml.add_bos_token", false)
                .putBool("tokenizer.ggml.add_eos_token", false)
                .putString("tokenizer.chat_template", a.equals(LLAMA) ? CHAT_TEMPLATE : TOOLS_CHAT_TEMPLATE);
        if (!a.equals(LLAMA)) {
            // The real models of these architectures have byte-level BPE tokenizers, which add no space before a
            // text: without this the SentencePiece tokenizer here would turn the template's "assistant" after
            // <|im_start|> into " assistant", and llama-server's output grammars, which expect the template's own
            // text there, would refuse the prompt.
            gguf.putBool("tokenizer.ggml.add_space_prefix", false);
        }
        if (spec.experts() > 0) {
            gguf.putUint32(a + ".expert_count", spec.experts())
                    .putUint32(a + ".expert_used_count", spec.expertsUsed())
                    .putUint32(a + ".expert_feed_forward_length", spec.feedForward());
        }

        int e = spec.embedding();
        GgmlType w = spec.weightType();
        gguf.tensor("token_embd.weight", w, new long[] {e, nVocab},
                TensorEncoding.encode(w, gaussian(random, e * nVocab, 1.0)));
        for (int layer = 0; layer < spec.layers(); layer++) {
            String p = "blk." + layer + ".";
            gguf.tensor(p + "attn_norm.weight", GgmlType.F32, new long[] {e}, TensorEncoding.encode(GgmlType.F32, ones(e)));
            matrix(gguf, random, p + "attn_q.weight", w, e, e);
            matrix(gguf, random, p + "attn_k.weight", w, e, kvWidth);
            matrix(gguf, random, p + "attn_v.weight", w, e, kvWidth);
            matrix(gguf, random, p + "attn_output.weight", w, e, e);
            if (!a.equals(LLAMA)) {
                gguf.tensor(p + "attn_q_norm.weight", GgmlType.F32, new long[] {headDim},
                        TensorEncoding.encode(GgmlType.F32, ones(headDim)));
                gguf.tensor(p + "attn_k_norm.weight", GgmlType.F32, new long[] {headDim},
                        TensorEncoding.encode(GgmlType.F32, ones(headDim)));
            }
            gguf.tensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {e}, TensorEncoding.encode(GgmlType.F32, ones(e)));
            if (spec.experts() > 0) {
                int n = spec.experts();
                int ff = spec.feedForward();
                // The router is small and read by every token, so it stays F32 as converters leave it.
                gguf.tensor(p + "ffn_gate_inp.weight", GgmlType.F32, new long[] {e, n},
                        TensorEncoding.encode(GgmlType.F32, gaussian(random, e * n, 1.0 / Math.sqrt(e))));
                experts(gguf, random, p + "ffn_gate_exps.weight", w, e, ff, n);
                experts(gguf, random, p + "ffn_up_exps.weight", w, e, ff, n);
                experts(gguf, random, p + "ffn_down_exps.weight", w, ff, e, n);
            } else {
                matrix(gguf, random, p + "ffn_gate.weight", w, e, spec.feedForward());
                matrix(gguf, random, p + "ffn_up.weight", w, e, spec.feedForward());
                matrix(gguf, random, p + "ffn_down.weight", w, spec.feedForward(), e);
            }
        }
        gguf.tensor("output_norm.weight", GgmlType.F32, new long[] {e}, TensorEncoding.encode(GgmlType.F32, ones(e)));
        float[] output = gaussian(random, e * nVocab, 2.0 / Math.sqrt(e));
        for (int token = 0; token < nVocab; token++) {
            if (vocab.types()[token] != TYPE_NORMAL) {
                java.util.Arrays.fill(output, token * e, (token + 1) * e, 0f);
            }
        }
        gguf.tensor("output.weight", w, new long[] {e, nVocab}, TensorEncoding.encode(w, output));
        gguf.write(file);
        return file;
    }

    private static void matrix(GgufWriter gguf, SplittableRandom random, String name, GgmlType type, int in, int out) {
        gguf.tensor(name, type, new long[] {in, out},
                TensorEncoding.encode(type, gaussian(random, in * out, 1.0 / Math.sqrt(in))));
    }

    private static void experts(GgufWriter gguf, SplittableRandom random, String name, GgmlType type, int in,
            int out, int experts) {
        gguf.tensor(name, type, new long[] {in, out, experts},
                TensorEncoding.encode(type, gaussian(random, in * out * experts, 1.0 / Math.sqrt(in))));
    }

    private static long fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            default -> throw new IllegalArgumentException("tiny model weights must be F32, F16 or Q8_0");
        };
    }

    private static float[] gaussian(SplittableRandom random, int n, double std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i += 2) {
            // Box-Muller: two normal samples from two uniform ones.
            double u1 = Math.max(random.nextDouble(), 1e-12);
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1)) * std;
            values[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                values[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return values;
    }

    private static float[] ones(int n) {
        float[] values = new float[n];
        java.util.Arrays.fill(values, 1f);
        return values;
    }

    private static Vocabulary vocabulary() {
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        tokens.add("<unk>");
        types.add(TYPE_UNKNOWN);
        tokens.add("<s>");
        types.add(TYPE_CONTROL);
        tokens.add("</s>");
        types.add(TYPE_CONTROL);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(TYPE_BYTE);
        }
        int imStart = tokens.size();
        tokens.add("<|im_start|>");
        types.add(TYPE_CONTROL);
        int imEnd = tokens.size();
        tokens.add("<|im_end|>");
        types.add(TYPE_CONTROL);
        while (scores.size() < tokens.size()) {
            scores.add(0f);
        }
        List<String> normal = new ArrayList<>();
        normal.add("\u2581");
        for (char c = 'a'; c <= 'z'; c++) {
            normal.add(String.valueOf(c));
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            normal.add(String.valueOf(c));
        }
        for (char c = '0'; c <= '9'; c++) {
            normal.add(String.valueOf(c));
        }
        for (String punctuation : new String[] {".", ",", "!", "?", ":", "'", "-"}) {
            normal.add(punctuation);
        }
        for (String word : WORDS) {
            normal.add("\u2581" + word);
            if (word.length() > 2) {
                normal.add(word);
            }
        }
        for (String role : new String[] {"user", "assistant", "system"}) {
            if (!normal.contains(role)) {
                normal.add(role);
            }
        }
        for (String token : normal) {
            tokens.add(token);
            types.add(TYPE_NORMAL);
            // Longer pieces score higher, so the tokenizer prefers whole words over letters.
            scores.add((float) token.length());
        }
        float[] scoreArray = new float[scores.size()];
        int[] typeArray = new int[types.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
            typeArray[i] = types.get(i);
        }
        // <|im_end|> ends an assistant turn in ChatML, so it is the end-of-sequence token.
        return new Vocabulary(List.copyOf(tokens), scoreArray, typeArray, 1, imEnd, 0);
    }
}
