package io.rigpool.planner.placement;

/**
 * The most n_gpu_layers one node may give one model, because a runner there offloaded fewer layers than it was
 * asked to: asking again for more would budget VRAM that stays empty and RAM that is not counted.
 *
 * @param layers n_gpu_layers that really went to the GPU (0: none)
 * @param why what happened, for reasons ("the last load offloaded 10 of 20 layers")
 */
public record LayerCap(int layers, String why) {

    public LayerCap {
        if (layers < 0) {
            throw new IllegalArgumentException("a layer cap is >= 0");
        }
        why = why == null ? "" : why;
    }
}
