package io.rigpool.planner.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.proto.v1.TensorEntry;
import org.junit.jupiter.api.Test;

class GeometryMappingTest {

    private final MemoryEstimator estimator = new MemoryEstimator();

    @Test
    void everyRealShapeSurvivesTheTripThroughTheMessage() throws Exception {
        for (RealModelShape shape : RealModelShapes.all()) {
            ModelGeometry read = ShapeGeometries.of(shape);
            io.rigpool.proto.v1.ModelGeometry message = GeometryMapping.toProto(read);
            assertTrue(GeometryMapping.present(message));
            ModelGeometry rebuilt = GeometryMapping.fromProto(
                    io.rigpool.proto.v1.ModelGeometry.parseFrom(message.toByteArray()));
            for (int layers : new int[] {0, read.layers() / 3, read.layers() + 1}) {
                LoadParameters p = LoadParameters.defaults(8192).withParallelSlots(2).withGpuLayers(layers);
                assertEquals(estimator.estimate(read, p), estimator.estimate(rebuilt, p), shape.name() + " " + layers);
            }
        }
    }

    @Test
    void oneValueStandsForEveryLayer() throws Exception {
        ModelGeometry read = ShapeGeometries.of(RealModelShapes.byName("Llama-3.2-1B-Instruct-Q8_0"));
        io.rigpool.proto.v1.ModelGeometry compact = GeometryMapping.toProto(read).toBuilder().clearHeads().addHeads(32)
                .clearKvHeads().addKvHeads(8).clearFeedForward().addFeedForward(8192).build();
        ModelGeometry rebuilt = GeometryMapping.fromProto(compact);
        assertEquals(8, rebuilt.kvHeads(read.layers() - 1));
        LoadParameters p = LoadParameters.defaults(4096).withGpuLayers(17);
        assertEquals(estimator.estimate(read, p), estimator.estimate(rebuilt, p));
    }

    @Test
    void anEmptyMessageIsAbsentAndABadOneIsRefusedByField() {
        assertFalse(GeometryMapping.present(io.rigpool.proto.v1.ModelGeometry.getDefaultInstance()));
        ModelGeometry read = ShapeGeometries.of(RealModelShapes.byName("Llama-3.2-1B-Instruct-Q8_0"));
        io.rigpool.proto.v1.ModelGeometry bad = GeometryMapping.toProto(read).toBuilder()
                .setTensors(0, TensorEntry.newBuilder().setName("token_embd.weight").setGgmlType(4)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeometryMapping.fromProto(bad));
        assertTrue(e.getMessage().startsWith("tensors:"), e.getMessage());
        io.rigpool.proto.v1.ModelGeometry short_ = GeometryMapping.toProto(read).toBuilder().clearKvHeads().addKvHeads(8)
                .addKvHeads(8).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeometryMapping.fromProto(short_)).getMessage()
                .startsWith("kv_heads:"));
    }
}
