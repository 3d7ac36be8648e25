package io.rigpool.planner.models;

import io.rigpool.gguf.GgmlType;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.proto.v1.TensorEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the estimator's {@link ModelGeometry} from the {@code rigpool.v1.ModelGeometry} a worker sends for each
 * of its models (the planner cannot read the files on the PCs).
 */
public final class GeometryMapping {

    private GeometryMapping() {
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
                m.getTrainedContext(), weights);
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
