package io.rigpool.planner.estimate;

import io.rigpool.gguf.GgmlType;
import io.rigpool.proto.v1.TensorEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The estimator's {@link ModelGeometry} as the {@code rigpool.v1.ModelGeometry} message, both ways: a worker reads
 * its GGUF files and sends the message in its hello, the planner (which cannot read the files on the PCs) rebuilds
 * the geometry from it. Both directions live here so that they cannot drift apart.
 */
public final class GeometryMapping {

    private GeometryMapping() {
    }

    public static io.rigpool.proto.v1.ModelGeometry toProto(ModelGeometry g) {
        io.rigpool.proto.v1.ModelGeometry.Builder b = io.rigpool.proto.v1.ModelGeometry.newBuilder()
                .setName(g.name()).setArchitecture(g.architecture()).setLayers(g.layers())
                .setEmbedding(g.embedding()).setVocabulary(g.vocabulary()).setKeyLength(g.keyLength())
                .setValueLength(g.valueLength()).setSlidingWindow(g.slidingWindow())
                .setTrainedContext(g.trainedContext()).setExpertCount(g.expertCount())
                .setExpertUsedCount(g.expertUsedCount());
        for (int i = 0; i < g.layers(); i++) {
            b.addHeads(g.heads(i)).addKvHeads(g.kvHeads(i)).addFeedForward(g.feedForward(i));
        }
        for (ModelGeometry.Weight w : g.weights()) {
            TensorEntry.Builder t = TensorEntry.newBuilder().setName(w.name()).setGgmlType(w.type().id())
                    .setBytes(w.bytes()).setLayer(w.layer()).setOffset(w.offset()).setFile(w.file());
            for (long d : w.dims()) {
                t.addDims(d);
            }
            b.addTensors(t);
        }
        return b.build();
    }

    /** Whether the worker filled the message (older workers leave it empty). */
    public static boolean present(io.rigpool.proto.v1.ModelGeometry message) {
        return message != null && message.getLayers() > 0 && message.getTensorsCount() > 0;
    }

    /**
     * @throws IllegalArgumentException naming the first field that is missing or inconsistent (an unknown ggml
     *     type, arrays of the wrong length)
     */
    public static ModelGeometry fromProto(io.rigpool.proto.v1.ModelGeometry m) {
        List<ModelGeometry.Weight> weights = new ArrayList<>(m.getTensorsCount());
        for (TensorEntry t : m.getTensorsList()) {
            GgmlType type = GgmlType.byId(t.getGgmlType()).orElseThrow(() -> new IllegalArgumentException(
                    "tensors: " + t.getName() + " has unknown ggml type " + t.getGgmlType()));
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            weights.add(new ModelGeometry.Weight(t.getName(), type, dims, t.getBytes(), t.getLayer(), t.getOffset(),
                    t.getFile()));
        }
        int layers = m.getLayers();
        return ModelGeometry.of(m.getName(), m.getArchitecture(), layers, m.getEmbedding(), m.getVocabulary(),
                perLayer(m.getHeadsList(), layers), perLayer(m.getKvHeadsList(), layers),
                perLayer(m.getFeedForwardList(), layers), m.getKeyLength(), m.getValueLength(), m.getSlidingWindow(),
                m.getTrainedContext(), m.getExpertCount(), m.getExpertUsedCount(), weights);
    }

    /** One value for every layer is accepted as "the same for all" (the GGUF's single-number form). */
    private static int[] perLayer(List<Integer> values, int layers) {
        if (values.size() == 1 && layers > 1) {
            int[] all = new int[layers];
            java.util.Arrays.fill(all, values.get(0));
            return all;
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
