package io.rigpool.bench.gpu;

import io.rigpool.common.hardware.GpuSpec;
import io.rigpool.common.hardware.RtxCards;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A GPU's datasheet memory bandwidth by its nvidia-smi name: the RTX table the planner uses, and for the data-centre
 * cards a lent test machine has (not in that table, since no gaming PC has one) NVIDIA's published figures.
 */
final class GpuBandwidths {

    /** Name fragment (lower case, most specific first) and datasheet GB/s. */
    private record DataCentreCard(String fragment, double gbps) {
    }

    private static final List<DataCentreCard> DATA_CENTRE = List.of(
            new DataCentreCard("gh200", 4000),
            new DataCentreCard("h200", 4800),
            new DataCentreCard("h100 nvl", 3900),
            new DataCentreCard("h100 pcie", 2000),
            new DataCentreCard("h100", 3350), // SXM5 80GB HBM3
            new DataCentreCard("a100-sxm4-80gb", 2039),
            new DataCentreCard("a100 80gb pcie", 1935),
            new DataCentreCard("a100", 1555),
            new DataCentreCard("l40s", 864),
            new DataCentreCard("l40", 864),
            new DataCentreCard("l4", 300),
            new DataCentreCard("a10g", 600),
            new DataCentreCard("a10", 600),
            new DataCentreCard("t4", 320));

    private GpuBandwidths() {
    }

    /** GB/s from the datasheet, with where it came from; empty for a card in neither table. */
    static Optional<Datasheet> datasheet(String deviceName, long totalBytes) {
        Optional<GpuSpec> rtx = RtxCards.byName(deviceName, totalBytes);
        if (rtx.isPresent()) {
            return Optional.of(new Datasheet(rtx.get().bandwidthGBps(), "RtxCards: " + rtx.get().name()));
        }
        String lower = deviceName.toLowerCase(Locale.ROOT);
        for (DataCentreCard card : DATA_CENTRE) {
            if (lower.contains(card.fragment())) {
                return Optional.of(new Datasheet(card.gbps(), "NVIDIA datasheet: " + card.fragment()));
            }
        }
        return Optional.empty();
    }

    record Datasheet(double gbps, String source) {
    }
}
