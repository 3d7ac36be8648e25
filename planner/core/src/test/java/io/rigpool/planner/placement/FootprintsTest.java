package io.rigpool.planner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.gguf.shapes.RealModelShape;
import io.rigpool.gguf.shapes.RealModelShapes;
import io.rigpool.planner.estimate.Buffer;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.DecodeSpeedModel;
import io.rigpool.planner.estimate.Device;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.Fixtures;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MeasuredBuffers;
import io.rigpool.planner.estimate.MemoryEstimate;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FootprintsTest {

    private static final String LLAMA = "Llama-3.1-8B-Instruct-Q4_K_M";
    private final MemoryEstimator estimator = new MemoryEstimator();

    @Test
    void everyLayerCountCarriesTheEstimatorsFiguresAndOneSlotDecodesAtTheSpeedModelsRate() {
        ModelGeometry model = Fixtures.model(LLAMA);
        SlotLayout one = new SlotLayout(1, 4096);
        Footprint f = Footprints.estimated(estimator, model, "llama", one, LoadParameters.defaults(4096),
                Footprints.Measurements.NONE);
        for (int layers : new int[] {0, 10, 32, 33}) {
            MemoryEstimate e = estimator.estimate(model, LoadParameters.defaults(4096).withGpuLayers(layers));
            assertEquals(e.gpu().total(), f.gpuBytes(layers));
            assertEquals(e.cpu().total(), f.cpuBytes(layers));
            double expected = 1 / DecodeSpeedModel.secondsPerToken(e, model, 360e9, 50e9);
            assertEquals(expected, f.tokensPerSecond(layers, 360e9, 50e9), expected * 1e-9);
            assertEquals(Footprint.Basis.ESTIMATED, f.basis(layers));
        }
    }

    @Test
    void fourSlotsDecodeMoreTokensPerSecondThanOneButNeedMoreMemory() {
        ModelGeometry model = Fixtures.model(LLAMA);
        Footprint one = Footprints.estimated(estimator, model, "llama", new SlotLayout(1, 4096),
                LoadParameters.defaults(4096), Footprints.Measurements.NONE);
        Footprint four = Footprints.estimated(estimator, model, "llama", new SlotLayout(4, 16384),
                LoadParameters.defaults(4096), Footprints.Measurements.NONE);
        assertTrue(four.gpuBytes(33) > one.gpuBytes(33));
        assertTrue(four.tokensPerSecond(33, 1008e9, 80e9) > 2.5 * one.tokensPerSecond(33, 1008e9, 80e9));
    }

    @Test
    void aMeasurementReplacesTheEstimateForExactlyItsParameters() {
        ModelGeometry model = Fixtures.model(LLAMA);
        LoadParameters measuredAt = LoadParameters.defaults(4096).withGpuLayers(20);
        long measuredKv = 999L << 20;
        MeasuredBuffers m = new MeasuredBuffers(new MeasuredBuffers.Key("llama", measuredAt),
                List.of(new Buffer("CUDA0", Device.GPU, BufferKind.KV, measuredKv)), "b4916", Instant.EPOCH);
        Footprints.Measurements lookup = (id, p) -> id.equals("llama") && p.equals(measuredAt) ? Optional.of(m)
                : Optional.empty();
        Footprint f = Footprints.estimated(estimator, model, "llama", new SlotLayout(1, 4096),
                LoadParameters.defaults(4096), lookup);
        MemoryEstimate estimated = estimator.estimate(model, measuredAt);
        assertEquals(Footprint.Basis.MEASURED, f.basis(20));
        assertEquals(estimated.gpu().total() - estimated.gpu().kvCache() + measuredKv, f.gpuBytes(20));
        assertEquals(Footprint.Basis.ESTIMATED, f.basis(21));
    }

    @Test
    void theApproximationWithoutGeometryNeverPromisesLessMemoryThanTheEstimate() {
        for (RealModelShape shape : RealModelShapes.all()) {
            ModelGeometry model = Fixtures.model(shape.name());
            for (SlotLayout option : List.of(new SlotLayout(1, 4096), new SlotLayout(4, 16384))) {
                Footprint exact = Footprints.estimated(estimator, model, shape.name(), option,
                        LoadParameters.defaults(4096), Footprints.Measurements.NONE);
                Footprint approx = Footprints.approximate(shape.name(), option, shape.layerBytes(),
                        shape.nonLayerBytes(), String.valueOf(shape.quantization().fileType()),
                        EstimatorSettings.defaults());
                for (int layers = 0; layers <= exact.fullOffload(); layers++) {
                    assertTrue(approx.gpuBytes(layers) >= exact.gpuBytes(layers), shape.name() + " " + option
                            + " n_gpu_layers " + layers + ": " + approx.gpuBytes(layers) + " < "
                            + exact.gpuBytes(layers));
                    assertEquals(Footprint.Basis.APPROXIMATE, approx.basis(layers));
                }
            }
        }
    }

    @Test
    void theLargestFittingLayerCountIsTheHighestThatFits() {
        Footprint f = Footprints.estimated(estimator, Fixtures.model(LLAMA), "llama", new SlotLayout(1, 4096),
                LoadParameters.defaults(4096), Footprints.Measurements.NONE);
        for (long vram = 0; vram < 8L << 30; vram += 97L << 20) {
            int expected = 0;
            for (int n = f.fullOffload(); n >= 1; n--) {
                if (f.gpuBytes(n) <= vram) {
                    expected = n;
                    break;
                }
            }
            assertEquals(expected, f.largestFitting(vram, Long.MAX_VALUE, true), "vram " + vram);
        }
        assertEquals(0, f.largestFitting(8L << 30, Long.MAX_VALUE, false), "no GPU backend: CPU only");
        assertEquals(-1, f.largestFitting(0, 1L << 20, true), "not even the RAM for CPU only");
    }
}
