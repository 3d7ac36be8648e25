package io.rigpool.planner.models;

import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.proto.v1.TensorEntry;

/** Test helper: the message a worker would send for a geometry (what the worker's side of the mapping does). */
public final class GeometryProtos {

    private GeometryProtos() {
    }

    public static io.rigpool.proto.v1.ModelGeometry of(ModelGeometry g) {
        io.rigpool.proto.v1.ModelGeometry.Builder b = io.rigpool.proto.v1.ModelGeometry.newBuilder()
                .setName(g.name()).setArchitecture(g.architecture()).setLayers(g.layers())
                .setEmbedding(g.embedding()).setVocabulary(g.vocabulary()).setKeyLength(g.keyLength())
                .setValueLength(g.valueLength()).setSlidingWindow(g.slidingWindow())
                .setTrainedContext(g.trainedContext());
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
}
