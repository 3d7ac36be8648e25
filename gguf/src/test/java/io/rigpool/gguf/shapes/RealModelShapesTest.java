package io.rigpool.gguf.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.GgufFile;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.GgufReader;
import io.rigpool.gguf.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealModelShapesTest {

    /**
     * Published file sizes of the real quantized files (bartowski's GGUF conversions). Ours differ only in the
     * tokenizer's merge list and token texts in the header, which our synthetic vocabularies do not reproduce.
     */
    private static final Map<String, Long> PUBLISHED = Map.of(
            "Llama-3.1-8B-Instruct-Q4_K_M", 4_920_734_016L,
            "Llama-3.2-1B-Instruct-Q8_0", 1_321_083_104L,
            "gemma-2-9b-it-Q4_K_M", 5_761_057_728L,
            "gemma-2-27b-it-Q4_K_M", 16_645_381_856L,
            "Qwen2.5-7B-Instruct-Q4_K_M", 4_683_073_248L,
            "Qwen2.5-14B-Instruct-Q4_K_M", 8_988_110_976L,
            "Mistral-7B-Instruct-v0.3-Q4_K_M", 4_372_812_000L,
            "Phi-3-mini-4k-instruct-Q4_K_M", 2_393_231_072L);
    private static final long HEADER_DIFFERENCE = 6_000_000;

    /**
     * Today's models, at the sizes their Hugging Face pages show (GB, three digits: Qwen/Qwen3-8B-GGUF,
     * Qwen/Qwen3-30B-A3B-GGUF, ggml-org/gpt-oss-20b-GGUF, ggml-org/gemma-3-12b-it-GGUF).
     */
    private static final Map<String, Double> PUBLISHED_GB = Map.of(
            "Qwen3-8B-Q4_K_M", 5.03,
            "Qwen3-30B-A3B-Q4_K_M", 18.6,
            "gpt-oss-20b-MXFP4", 12.1,
            "gemma-3-12b-it-Q4_K_M", 7.30);

    @TempDir
    Path dir;

    @Test
    void theCatalogueCoversTheRequiredModelsAtTheirPublishedSizes() {
        Set<String> names = new java.util.HashSet<>(PUBLISHED.keySet());
        names.addAll(PUBLISHED_GB.keySet());
        assertEquals(names, Set.copyOf(RealModelShapes.all().stream().map(RealModelShape::name).toList()));
        for (RealModelShape shape : RealModelShapes.all()) {
            assertEquals(shape.tensorBytes(), Arrays.stream(shape.layerBytes()).sum() + shape.nonLayerBytes());
            if (PUBLISHED_GB.containsKey(shape.name())) {
                double gb = shape.fileSize() / 1e9;
                assertTrue(Math.abs(gb - PUBLISHED_GB.get(shape.name())) < 0.006 * gb,
                        shape.name() + ": " + gb + " GB vs published " + PUBLISHED_GB.get(shape.name()));
                continue;
            }
            long published = PUBLISHED.get(shape.name());
            assertTrue(Math.abs(shape.fileSize() - published) < HEADER_DIFFERENCE,
                    shape.name() + ": " + shape.fileSize() + " vs published " + published);
        }
    }

    @Test
    void llama31MatchesTheRealFilesTensorTable() {
        RealModelShape shape = RealModelShapes.byName("llama-3.1-8b-instruct-q4_k_m");
        Map<GgmlType, Integer> counts = new TreeMap<>();
        shape.tensors().forEach(t -> counts.merge(t.type(), 1, Integer::sum));
        // llama.cpp's load log of the real file: f32 66, q4_K 193, q6_K 33 tensors, 4685.30 MiB of weights
        assertEquals(Map.of(GgmlType.F32, 66, GgmlType.Q4_K, 193, GgmlType.Q6_K, 33), counts);
        assertEquals("4685.30", String.format(java.util.Locale.ROOT, "%.2f", shape.tensorBytes() / 1048576.0));
        assertEquals(32, shape.blockCount());
    }

    @Test
    void gptOssKeepsItsExpertsInMxfp4AndTheRestInQ8_0() {
        RealModelShape shape = RealModelShapes.byName("gpt-oss-20b-MXFP4");
        Map<GgmlType, Integer> counts = new TreeMap<>();
        shape.tensors().forEach(t -> counts.merge(t.type(), 1, Integer::sum));
        // 24 layers of 19 tensors and three outside them: the real file's 459 tensors.
        assertEquals(Map.of(GgmlType.F32, 289, GgmlType.Q8_0, 98, GgmlType.MXFP4, 72), counts);
        RealModelShape.QuantizedTensor down = shape.tensors().stream()
                .filter(t -> t.name().equals("blk.0.ffn_down_exps.weight")).findFirst().orElseThrow();
        assertEquals(GgmlType.MXFP4, down.type());
        assertTrue(Arrays.equals(new long[] {2880, 2880, 32}, down.dims()));
        assertEquals(2880L / 32 * 17 * 2880 * 32, down.byteSize());
        assertEquals("gpt-oss", shape.architecture());
    }

    @Test
    void qwen3MoeQuantizesExpertsByLayerNameAsTheQuantizerDoes() {
        RealModelShape shape = RealModelShapes.byName("Qwen3-30B-A3B-Q4_K_M");
        Map<String, GgmlType> types = new java.util.HashMap<>();
        shape.tensors().forEach(t -> types.put(t.name(), t.type()));
        // use_more_bits(layer, 48): the first and last six layers and every third between get Q6_K.
        assertEquals(GgmlType.Q6_K, types.get("blk.0.ffn_down_exps.weight"));
        assertEquals(GgmlType.Q6_K, types.get("blk.8.ffn_down_exps.weight"));
        assertEquals(GgmlType.Q4_K, types.get("blk.9.ffn_down_exps.weight"));
        assertEquals(GgmlType.Q4_K, types.get("blk.0.ffn_up_exps.weight"));
        assertEquals(GgmlType.F32, types.get("blk.0.ffn_gate_inp.weight"));
        assertEquals(GgmlType.F32, types.get("blk.0.attn_q_norm.weight"));
    }

    @Test
    void writesASparseFileThatReadsBackAsTheShape() throws IOException {
        RealModelShape shape = RealModelShapes.byName("gemma-2-27b-it-Q4_K_M");
        long started = System.nanoTime();
        Path file = shape.write(dir);
        GgufFile header = GgufReader.read(file);
        assertTrue((System.nanoTime() - started) / 1e9 < 30, "a 16 GB shape is written and read in seconds");

        assertEquals(shape.fileSize(), Files.size(file));
        assertEquals("gemma2", header.string("general.architecture").orElseThrow());
        assertEquals(46L, header.integer("gemma2.block_count").orElseThrow());
        assertEquals(128L, header.integer("gemma2.attention.key_length").orElseThrow());
        assertEquals(256000, header.array("tokenizer.ggml.tokens").orElseThrow().count());
        assertEquals(shape.tensors().size(), header.tensors().size());
        for (int i = 0; i < header.tensors().size(); i++) {
            TensorInfo t = header.tensors().get(i);
            RealModelShape.QuantizedTensor expected = shape.tensors().get(i);
            assertEquals(expected.name(), t.name());
            assertEquals(expected.type(), t.type());
            assertTrue(Arrays.equals(expected.dims(), t.dims()), t.name());
        }
        GgufModel model = GgufModel.open(file);
        assertTrue(Arrays.equals(shape.layerBytes(), model.layerBytes()));
        assertEquals(shape.nonLayerBytes(), model.nonLayerBytes());
    }

    @Test
    void variantsKeepTheContextShapes() {
        RealModelShape full = RealModelShapes.byName("Qwen2.5-14B-Instruct-Q4_K_M");
        RealModelShape cut = full.withBlockCount(2).withUniformWeightType(GgmlType.IQ1_S);
        assertEquals("Qwen2.5-14B-Instruct-Q4_K_M-2L-IQ1_S", cut.name());
        assertEquals(2, cut.blockCount());
        assertEquals(full.hyperparameters().embedding(), cut.hyperparameters().embedding());
        assertTrue(cut.tensors().stream().filter(t -> t.dims().length == 2).allMatch(t -> t.type() == GgmlType.IQ1_S));
        assertTrue(cut.tensors().stream().filter(t -> t.dims().length == 1).allMatch(t -> t.type() == GgmlType.F32));
        assertEquals(3 + 2 * 12, cut.tensors().size());
    }

    @Test
    void unknownNamesListTheCatalogue() {
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> RealModelShapes.byName("gpt-5"));
        assertTrue(e.getMessage().contains("Phi-3-mini-4k-instruct-Q4_K_M"), e.getMessage());
    }
}
