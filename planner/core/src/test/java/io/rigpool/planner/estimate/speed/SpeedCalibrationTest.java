package io.rigpool.planner.estimate.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.planner.estimate.DecodeSpeedModel;
import io.rigpool.planner.estimate.EstimatorSettings;
import io.rigpool.planner.estimate.Fixtures;
import io.rigpool.planner.estimate.LoadParameters;
import io.rigpool.planner.estimate.MemoryEstimate;
import io.rigpool.planner.estimate.MemoryEstimator;
import io.rigpool.planner.estimate.ModelGeometry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The calibration against a recorded n_gpu_layers sweep: Qwen2.5-Coder-14B-Instruct Q4_K_M (48 layers) with
 * llama.cpp on an RTX 5060 Ti, decode tok/s at -ngl 0, 8, 16, 24, 32, 40 and all
 * (inventivehq.com, "VRAM offload cliff", raw data published with the post). The bytes each step reads come from
 * the estimator on the real shape of Qwen2.5-14B-Instruct Q4_K_M (the same architecture and tensor types).
 */
class SpeedCalibrationTest {

    /** n_gpu_layers → measured tok/s; 49 is every layer and the output head. */
    private static final Map<Integer, Double> SWEEP = new LinkedHashMap<>();

    static {
        SWEEP.put(0, 2.89);
        SWEEP.put(8, 3.58);
        SWEEP.put(16, 4.24);
        SWEEP.put(24, 5.61);
        SWEEP.put(32, 7.26);
        SWEEP.put(40, 12.5);
        SWEEP.put(49, 43.18);
    }

    /** The card's datasheet (448 GB/s) and dual-channel DDR5-5600 (89.6 GB/s): the prior. */
    private static final NodeSpeed DATASHEET = NodeSpeed.datasheet(448e9, 89.6e9);

    private static final ModelGeometry QWEN_14B = Fixtures.model("Qwen2.5-14B-Instruct-Q4_K_M");
    private static final MemoryEstimator ESTIMATOR = new MemoryEstimator(EstimatorSettings.defaults());

    private static DecodeObservation measured(int gpuLayers) {
        MemoryEstimate e = ESTIMATOR.estimate(QWEN_14B, LoadParameters.defaults(512).withGpuLayers(gpuLayers));
        DecodeSpeedModel.TokenReads reads = DecodeSpeedModel.reads(e, QWEN_14B);
        return DecodeObservation.ofTokensPerSecond(reads.gpuBytes(), reads.cpuBytes(), SWEEP.get(gpuLayers));
    }

    private static double relativeError(NodeSpeed speed, int gpuLayers) {
        DecodeObservation o = measured(gpuLayers);
        return Math.abs(speed.tokensPerSecond(o.gpuBytes(), o.cpuBytes()) * o.secondsPerStep() - 1);
    }

    private static double rms(NodeSpeed speed) {
        return SpeedCalibration.rmsRelativeError(speed, SWEEP.keySet().stream().map(
                SpeedCalibrationTest::measured).toList());
    }

    @Test
    void twoPartialOffloadPointsPredictTheOthersWithin15Percent() {
        NodeSpeed fitted = SpeedCalibration.fit(DATASHEET, List.of(measured(16), measured(40)));
        for (int layers : new int[] {24, 32}) {
            double error = relativeError(fitted, layers);
            System.out.printf(java.util.Locale.ROOT, "fitted to 16 and 40 layers (%s): %d layers predicted within"
                    + " %.1f %% (datasheet: %.1f %%)%n", fitted, layers, error * 100,
                    relativeError(DATASHEET, layers) * 100);
            assertTrue(error < 0.15, layers + " layers: " + error + " with " + fitted);
        }
        assertTrue(relativeError(DATASHEET, 32) > 0.5, "the datasheet alone is far off: "
                + relativeError(DATASHEET, 32));
    }

    @Test
    void theFitConvergesAsMeasurementsAreAdded() {
        // One point cannot tell GPU from host: from the second on, each point may only help.
        int[] order = {16, 40, 49, 0, 24, 8, 32};
        List<DecodeObservation> seen = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (int layers : order) {
            seen.add(measured(layers));
            errors.add(rms(SpeedCalibration.fit(DATASHEET, seen)));
        }
        System.out.println("calibration on the recorded sweep, RMS relative error of all 7 points as points are"
                + " added in the order " + java.util.Arrays.toString(order) + ": " + errors + " (datasheet: "
                + rms(DATASHEET) + ")");
        for (int i = 2; i < errors.size(); i++) {
            assertTrue(errors.get(i) <= errors.get(i - 1) + 0.01, "point " + (i + 1) + " made it worse: " + errors);
        }
        assertTrue(errors.get(1) < rms(DATASHEET), "two points already beat the datasheet: " + errors);
        assertTrue(errors.get(errors.size() - 1) < 0.12, "all seven points: " + errors);
    }

    @Test
    void oneMeasurementKeepsTheDatasheetRatioAndFitsTheScale() {
        NodeSpeed fitted = SpeedCalibration.fit(DATASHEET, List.of(measured(32)));
        assertEquals(DATASHEET.gpuBandwidth() / DATASHEET.cpuBandwidth(),
                fitted.gpuBandwidth() / fitted.cpuBandwidth(), 1e-3 * 5);
        assertEquals(0, fitted.overheadSeconds(), 1e-6);
        assertTrue(relativeError(fitted, 32) < 1e-3, "the one point is met: " + relativeError(fitted, 32));
    }

    @Test
    void recoversTheSpeedsThatMadeTheMeasurements() {
        NodeSpeed truth = new NodeSpeed(380e9, 31e9, 0.004, 0, 0);
        Random random = new Random(42);
        List<DecodeObservation> observations = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            double gpu = random.nextDouble() * 8e9;
            double cpu = random.nextDouble() * 4e9;
            observations.add(new DecodeObservation(gpu, cpu, truth.secondsPerStep(gpu, cpu)));
        }
        NodeSpeed fitted = SpeedCalibration.fit(DATASHEET, observations);
        assertEquals(truth.gpuBandwidth(), fitted.gpuBandwidth(), truth.gpuBandwidth() * 0.01, fitted.toString());
        assertEquals(truth.cpuBandwidth(), fitted.cpuBandwidth(), truth.cpuBandwidth() * 0.01, fitted.toString());
        assertEquals(truth.overheadSeconds(), fitted.overheadSeconds(), 0.0002, fitted.toString());
    }

    @Test
    void aZeroOrAbsentMeasurementChangesNothing() {
        List<DecodeObservation> two = List.of(measured(16), measured(40));
        NodeSpeed clean = SpeedCalibration.fit(DATASHEET, two);
        List<DecodeObservation> withJunk = new ArrayList<>(two);
        withJunk.add(DecodeObservation.ofTokensPerSecond(3e9, 1e9, 0));
        withJunk.add(new DecodeObservation(3e9, 1e9, Double.NaN));
        withJunk.add(new DecodeObservation(0, 0, 0.01));
        assertEquals(clean, SpeedCalibration.fit(DATASHEET, withJunk));
        assertEquals(DATASHEET, SpeedCalibration.fit(DATASHEET, List.of(DecodeObservation.ofTokensPerSecond(1e9, 1e9,
                0))), "nothing measured: the datasheet");
    }
}
