package io.rigpool.planner.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.planner.estimate.speed.NodeSpeed;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeSpeedsTest {

    private static NodeSpeeds.RunnerShape shape(int layers) {
        return new NodeSpeeds.RunnerShape("m", layers, 4096, 1);
    }

    @Test
    void nothingMeasuredMeansTheDatasheet() {
        NodeSpeeds speeds = new NodeSpeeds();
        speeds.datasheet(NodeSpeed.datasheet(360e9, 50e9));
        assertFalse(speeds.observe(shape(10), 0), "before its first job a runner measured nothing");
        speeds.refit(s -> Optional.of(new double[] {1e9, 1e9}));
        assertEquals(NodeSpeed.datasheet(360e9, 50e9), speeds.fitted());
    }

    @Test
    void aShapeIsNewOnceAndItsLatestSpeedStands() {
        NodeSpeeds speeds = new NodeSpeeds();
        speeds.datasheet(NodeSpeed.datasheet(360e9, 50e9));
        assertTrue(speeds.observe(shape(10), 20));
        assertFalse(speeds.observe(shape(10), 25));
        assertEquals(Optional.of(25.0), speeds.measured(shape(10)));
        speeds.refit(s -> Optional.of(new double[] {2e9, 1e9}));
        assertEquals(25, speeds.fitted().tokensPerSecond(2e9, 1e9), 25 * 1e-3, "one point: met exactly");
        assertEquals(1, speeds.fitted().observations());
    }

    @Test
    void onlyTheLatestShapesAreKept() {
        NodeSpeeds speeds = new NodeSpeeds();
        for (int layers = 0; layers < NodeSpeeds.MAX_SHAPES + 4; layers++) {
            speeds.observe(shape(layers), 10 + layers);
        }
        assertEquals(Optional.empty(), speeds.measured(shape(0)), "the oldest went first");
        assertEquals(Optional.of(10.0 + NodeSpeeds.MAX_SHAPES + 3), speeds.measured(shape(NodeSpeeds.MAX_SHAPES + 3)));
        speeds.refit(s -> Optional.of(new double[] {s.gpuLayers() * 1e8, 1e9}));
        assertEquals(NodeSpeeds.MAX_SHAPES, speeds.fitted().observations());
    }
}
