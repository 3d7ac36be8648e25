package io.rigpool.bench.gateway;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The floor at a quantile, not only at the median. The parts' own p99s do not add up to the p99 of their sum (they
 * seldom all come at once), so the chain is drawn: each draw takes two Kafka hops, a commit and a round trip from the
 * parts' samples, independently. Drawn that way the parts are a lower bound: on a machine whose moments of slowness
 * last, slow parts come together more often.
 *
 * <p>The added latency is measured per pair, pipeline minus direct, and the pipeline's runner and the direct call
 * are two runs of one inference: their own spread shows in the difference even where the pipeline adds nothing.
 * {@link #pairedQuantile} adds it, the difference of two direct runs drawn independently, so that the figure is what
 * a pipeline made of the floor's parts alone would show in this benchmark.
 */
final class FloorDraws {

    private static final int DRAWS = 200_000;
    /** Fixed, so that one run's samples give one figure. */
    private static final long SEED = 16;

    private FloorDraws() {
    }

    /** Two hops, a commit and a round trip, drawn together: their sum at quantile {@code q}. */
    static double chainQuantile(HopFloor.Figures floor, double q) {
        return drawnQuantile(floor, q, random -> 0);
    }

    /** The chain plus the difference of two direct inferences: the added latency of the floor alone, paired. */
    static double pairedQuantile(HopFloor.Figures floor, double[] directMs, double q) {
        return drawnQuantile(floor, q, random -> pick(directMs, random) - pick(directMs, random));
    }

    /** The chain, plus what {@code besides} draws after it each time, at quantile {@code q}. */
    private static double drawnQuantile(HopFloor.Figures floor, double q, ToDoubleFunction<SplittableRandom> besides) {
        SplittableRandom random = new SplittableRandom(SEED);
        double[] sums = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            sums[i] = chain(floor, random) + besides.applyAsDouble(random);
        }
        return PipelineOverheadBenchmark.percentile(sums, q);
    }

    private static double chain(HopFloor.Figures floor, SplittableRandom random) {
        return pick(floor.kafkaHopMs(), random) + pick(floor.kafkaHopMs(), random)
                + pick(floor.databaseCommitMs(), random) + pick(floor.httpRoundTripMs(), random);
    }

    private static double pick(double[] samples, SplittableRandom random) {
        return samples[random.nextInt(samples.length)];
    }
}
