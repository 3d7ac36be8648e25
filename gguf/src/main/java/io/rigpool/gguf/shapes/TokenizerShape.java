package io.rigpool.gguf.shapes;

import io.rigpool.gguf.write.GgufWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A vocabulary of a real model's size and special-token layout, with made-up ordinary tokens. The size matters (it
 * sets the embedding and output shapes and llama.cpp's output buffer); the ordinary tokens' text does not, but it
 * must be unique and include what llama.cpp b4916 looks up while loading (the newline byte token, the special
 * tokens by id), or the load fails or warns.
 *
 * @param model {@code tokenizer.ggml.model}: "gpt2" (byte-level BPE) or "llama" (SentencePiece)
 * @param pre {@code tokenizer.ggml.pre} for BPE vocabularies (selects llama.cpp's pre-tokenizer), else null
 * @param size the number of tokens, the embedding's second dimension
 * @param specials control tokens by id
 * @param byteTokensAt first id of the 256 {@code <0xNN>} byte tokens of a SentencePiece vocabulary
 * @param paddingFrom ids from here on are the converter's {@code [PADn]} filler (type UNUSED), or -1
 */
public record TokenizerShape(String model, String pre, int size, Map<Integer, String> specials, int byteTokensAt,
        int bos, int eos, Integer padding, boolean addBos, int paddingFrom) {

    private static final int TYPE_NORMAL = 1;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_UNUSED = 5;
    private static final int TYPE_BYTE = 6;

    public TokenizerShape {
        specials = Map.copyOf(new TreeMap<>(specials));
    }

    public boolean bytePairEncoding() {
        return model.equals("gpt2");
    }

    /** Writes every {@code tokenizer.*} key the real model's file has that llama.cpp reads. */
    void writeTo(GgufWriter gguf) {
        List<String> tokens = new ArrayList<>(size);
        int[] types = new int[size];
        float[] scores = new float[size];
        String[] bytes = bytePairEncoding() ? byteLevelAlphabet() : null;
        for (int id = 0; id < size; id++) {
            String special = specials.get(id);
            if (special != null) {
                tokens.add(special);
                types[id] = TYPE_CONTROL;
            } else if (paddingFrom >= 0 && id >= paddingFrom) {
                tokens.add("[PAD" + id + "]");
                types[id] = TYPE_UNUSED;
            } else if (bytes != null && id < 256) {
                tokens.add(bytes[id]);
                types[id] = TYPE_NORMAL;
            } else if (bytes == null && id >= byteTokensAt && id < byteTokensAt + 256) {
                tokens.add(String.format("<0x%02X>", id - byteTokensAt));
                types[id] = TYPE_BYTE;
            } else {
                tokens.add((bytes != null ? "\u0120w" : "\u2581w") + Integer.toString(id, 36));
                types[id] = TYPE_NORMAL;
            }
            scores[id] = -id;
        }
        gguf.putString("tokenizer.ggml.model", model);
        if (pre != null) {
            gguf.putString("tokenizer.ggml.pre", pre);
        }
        gguf.putStringArray("tokenizer.ggml.tokens", tokens);
        if (bytePairEncoding()) {
            gguf.putInt32Array("tokenizer.ggml.token_type", types);
            // llama.cpp refuses a BPE vocabulary without merges; a few real-looking ones suffice to load.
            gguf.putStringArray("tokenizer.ggml.merges", List.of("\u0120 \u0120", "\u0120 t", "i n", "e r"));
        } else {
            gguf.putFloat32Array("tokenizer.ggml.scores", scores);
            gguf.putInt32Array("tokenizer.ggml.token_type", types);
        }
        gguf.putUint32("tokenizer.ggml.bos_token_id", bos);
        gguf.putUint32("tokenizer.ggml.eos_token_id", eos);
        if (padding != null) {
            gguf.putUint32("tokenizer.ggml.padding_token_id", padding);
        }
        if (!bytePairEncoding()) {
            gguf.putUint32("tokenizer.ggml.unknown_token_id", unknownId());
        }
        gguf.putBool("tokenizer.ggml.add_bos_token", addBos);
        gguf.putBool("tokenizer.ggml.add_eos_token", false);
    }

    private int unknownId() {
        for (Map.Entry<Integer, String> e : specials.entrySet()) {
            if (e.getValue().equals("<unk>")) {
                return e.getKey();
            }
        }
        return 0;
    }

    /** GPT-2's byte-to-unicode table: printable bytes map to themselves, the rest to U+0100 onwards. */
    private static String[] byteLevelAlphabet() {
        String[] table = new String[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int next = 256;
        for (int b = 0; b < 256; b++) {
            table[b] = printable[b] ? String.valueOf((char) b) : String.valueOf((char) next++);
        }
        return Arrays.copyOf(table, 256);
    }
}
