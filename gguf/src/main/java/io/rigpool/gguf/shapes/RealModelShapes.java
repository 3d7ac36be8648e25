package io.rigpool.gguf.shapes;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The catalogue of real model shapes: the estimator's accuracy benchmark loads each in llama.cpp, and the planner's
 * benchmark uses them as the models it places. Hyperparameters and vocabularies are those of the published
 * checkpoints (Hugging Face config.json and tokenizer), quantized by {@link QuantizationMix}. The first eight load
 * in llama.cpp b4916; Qwen 3, Qwen 3 MoE and gpt-oss need a current build (Gemma 3 loads in both).
 */
public final class RealModelShapes {

    private static final List<RealModelShape> ALL = List.of(
            new RealModelShape("Llama-3.1-8B-Instruct-Q4_K_M", Architecture.LLAMA, QuantizationMix.Q4_K_M,
                    new Hyperparameters(32, 4096, 14336, 32, 8, 128, 128, 131072, 128, 500000, 1e-5, true, 0),
                    llama3(), false),
            new RealModelShape("Llama-3.2-1B-Instruct-Q8_0", Architecture.LLAMA, QuantizationMix.Q8_0,
                    new Hyperparameters(16, 2048, 8192, 32, 8, 64, 64, 131072, 64, 500000, 1e-5, true, 0),
                    llama3(), true),
            new RealModelShape("gemma-2-9b-it-Q4_K_M", Architecture.GEMMA2, QuantizationMix.Q4_K_M,
                    new Hyperparameters(42, 3584, 14336, 16, 8, 256, 256, 8192, 256, 10000, 1e-6, false, 4096),
                    gemma(), true),
            new RealModelShape("gemma-2-27b-it-Q4_K_M", Architecture.GEMMA2, QuantizationMix.Q4_K_M,
                    new Hyperparameters(46, 4608, 36864, 32, 16, 128, 128, 8192, 128, 10000, 1e-6, false, 4096),
                    gemma(), true),
            new RealModelShape("Qwen2.5-7B-Instruct-Q4_K_M", Architecture.QWEN2, QuantizationMix.Q4_K_M,
                    new Hyperparameters(28, 3584, 18944, 28, 4, 128, 128, 32768, 128, 1000000, 1e-6, false, 0),
                    qwen2(), false),
            new RealModelShape("Qwen2.5-14B-Instruct-Q4_K_M", Architecture.QWEN2, QuantizationMix.Q4_K_M,
                    new Hyperparameters(48, 5120, 13824, 40, 8, 128, 128, 32768, 128, 1000000, 1e-5, false, 0),
                    qwen2(), false),
            new RealModelShape("Mistral-7B-Instruct-v0.3-Q4_K_M", Architecture.LLAMA, QuantizationMix.Q4_K_M,
                    new Hyperparameters(32, 4096, 14336, 32, 8, 128, 128, 32768, 128, 1000000, 1e-5, false, 0),
                    mistral(), false),
            new RealModelShape("Phi-3-mini-4k-instruct-Q4_K_M", Architecture.PHI3, QuantizationMix.Q4_K_M,
                    new Hyperparameters(32, 3072, 8192, 32, 32, 96, 96, 4096, 96, 10000, 1e-5, false, 2047),
                    phi3(), false),
            new RealModelShape("Qwen3-8B-Q4_K_M", Architecture.QWEN3, QuantizationMix.Q4_K_M,
                    new Hyperparameters(36, 4096, 12288, 32, 8, 128, 128, 40960, 128, 1000000, 1e-6, false, 0),
                    qwen3(), false),
            new RealModelShape("Qwen3-30B-A3B-Q4_K_M", Architecture.QWEN3MOE, QuantizationMix.Q4_K_M,
                    new Hyperparameters(48, 2048, 6144, 32, 4, 128, 128, 40960, 128, 1000000, 1e-6, false, 0,
                            128, 8, 768),
                    qwen3(), false),
            new RealModelShape("gpt-oss-20b-MXFP4", Architecture.GPT_OSS, QuantizationMix.MXFP4_MOE,
                    new Hyperparameters(24, 2880, 2880, 64, 8, 64, 64, 131072, 64, 150000, 1e-5, false, 128,
                            32, 4, 2880),
                    o200kHarmony(), false),
            new RealModelShape("gemma-3-12b-it-Q4_K_M", Architecture.GEMMA3, QuantizationMix.Q4_K_M,
                    new Hyperparameters(48, 3840, 15360, 16, 8, 256, 256, 131072, 256, 1000000, 1e-6, false, 1024),
                    gemma3(), true));

    private RealModelShapes() {
    }

    /** Every shape, smallest model first is not promised: catalogue order. */
    public static List<RealModelShape> all() {
        return ALL;
    }

    /** A shape by its name, case-insensitively. */
    public static RealModelShape byName(String name) {
        for (RealModelShape shape : ALL) {
            if (shape.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return shape;
            }
        }
        throw new NoSuchElementException("no model shape named '" + name + "'; known: " + ALL);
    }

    private static TokenizerShape llama3() {
        Map<Integer, String> specials = new HashMap<>();
        String[] named = {"<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
            "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>",
            "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"};
        for (int i = 0; i < named.length; i++) {
            specials.put(128000 + i, named[i]);
        }
        for (int id = 128000 + named.length; id < 128256; id++) {
            specials.put(id, "<|reserved_special_token_" + (id - 128008) + "|>");
        }
        return new TokenizerShape("gpt2", "llama-bpe", 128256, specials, -1, 128000, 128009, null, true, -1);
    }

    private static TokenizerShape qwen2() {
        String[] named = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>",
            "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>",
            "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>",
            "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>",
            "<|file_sep|>"};
        Map<Integer, String> specials = new HashMap<>();
        for (int i = 0; i < named.length; i++) {
            specials.put(151643 + i, named[i]);
        }
        return new TokenizerShape("gpt2", "qwen2", 152064, specials, -1, 151643, 151645, 151643, false,
                151643 + named.length);
    }

    /** Qwen 3's vocabulary: Qwen 2's control tokens, then tool responses and thinking; padded to 151,936. */
    private static TokenizerShape qwen3() {
        String[] named = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>",
            "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>",
            "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>", "<tool_call>",
            "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>",
            "<|file_sep|>", "<tool_response>", "</tool_response>", "<think>", "</think>"};
        Map<Integer, String> specials = new HashMap<>();
        for (int i = 0; i < named.length; i++) {
            specials.put(151643 + i, named[i]);
        }
        return new TokenizerShape("gpt2", "qwen2", 151936, specials, -1, 151643, 151645, 151643, false,
                151643 + named.length);
    }

    /** gpt-oss' o200k_harmony: 201,088 tokens, the harmony format's control tokens from 199,998. */
    private static TokenizerShape o200kHarmony() {
        Map<Integer, String> specials = new HashMap<>(Map.of(199998, "<|startoftext|>", 199999, "<|endoftext|>",
                200002, "<|return|>", 200003, "<|constrain|>", 200005, "<|channel|>", 200006, "<|start|>",
                200007, "<|end|>", 200008, "<|message|>", 200012, "<|call|>"));
        for (int id = 200000; id < 201088; id++) {
            specials.putIfAbsent(id, "<|reserved_" + id + "|>");
        }
        return new TokenizerShape("gpt2", "gpt-4o", 201088, specials, -1, 199998, 200002, 199999, false, -1);
    }

    /** Gemma 3's SentencePiece vocabulary of 262,144 tokens (the image tokens are the vision tower's). */
    private static TokenizerShape gemma3() {
        Map<Integer, String> specials = new HashMap<>(Map.of(0, "<pad>", 1, "<eos>", 2, "<bos>", 3, "<unk>",
                4, "<mask>", 105, "<start_of_turn>", 106, "<end_of_turn>", 255999, "<start_of_image>",
                256000, "<end_of_image>"));
        return new TokenizerShape("llama", null, 262144, specials, 238, 2, 1, 0, true, -1);
    }

    private static TokenizerShape gemma() {
        Map<Integer, String> specials = new HashMap<>(Map.of(0, "<pad>", 1, "<eos>", 2, "<bos>", 3, "<unk>",
                4, "<mask>", 106, "<start_of_turn>", 107, "<end_of_turn>"));
        return new TokenizerShape("llama", null, 256000, specials, 217, 2, 1, 0, true, -1);
    }

    private static TokenizerShape mistral() {
        Map<Integer, String> specials = new HashMap<>(Map.of(0, "<unk>", 1, "<s>", 2, "</s>", 3, "[INST]",
                4, "[/INST]", 5, "[TOOL_CALLS]", 6, "[AVAILABLE_TOOLS]", 7, "[/AVAILABLE_TOOLS]", 8, "[TOOL_RESULTS]",
                9, "[/TOOL_RESULTS]"));
        for (int id = 10; id < 771; id++) {
            specials.put(id, "[control_" + (id - 2) + "]");
        }
        return new TokenizerShape("llama", null, 32768, specials, 771, 1, 2, null, true, -1);
    }

    private static TokenizerShape phi3() {
        Map<Integer, String> specials = new HashMap<>(Map.of(0, "<unk>", 1, "<s>", 2, "</s>", 32000,
                "<|endoftext|>", 32001, "<|assistant|>", 32006, "<|system|>", 32007, "<|end|>", 32010, "<|user|>"));
        int placeholder = 1;
        for (int id = 32002; id < 32064; id++) {
            if (!specials.containsKey(id)) {
                specials.put(id, "<|placeholder" + placeholder++ + "|>");
            }
        }
        return new TokenizerShape("llama", null, 32064, specials, 3, 1, 32000, 32000, false, -1);
    }
}
