package io.rigpool.planner.console;

import static io.rigpool.planner.console.Heartbeats.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.proto.v1.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;

/** Reads a node's card from the admin page in the browser, and what its VRAM bar should show. */
final class PageCards {

    /** The card's state and its first GPU's bar, read in one script (the page re-renders every second). */
    private static final String READ_CARD = """
            const card = document.querySelector('article.node[data-node="' + CSS.escape(arguments[0]) + '"]');
            if (!card) return null;
            const bar = card.querySelector('.gpu[data-gpu="0"] .bar');
            return {status: card.dataset.status, barWidth: bar.clientWidth, text: card.textContent,
                segments: [...bar.children].map(s => ({kind: s.dataset.kind, model: s.dataset.model || '',
                    bytes: Number(s.dataset.bytes), width: s.getBoundingClientRect().width, title: s.title}))};
            """;

    /** One segment of a bar: what it stands for, its bytes, its rendered width in pixels and its tooltip. */
    record Segment(String kind, String model, long bytes, double width, String title) {
    }

    private PageCards() {
    }

    /**
     * The bar a one-card PC with the default reserve should show: each runner's buffers and CUDA context, other
     * processes, the reserve, and free.
     */
    static List<Segment> expected(long total, long other, List<LoadedModel> runners) {
        List<Segment> segments = new ArrayList<>();
        long held = 0;
        for (LoadedModel r : runners) {
            List<Long> bytes = r.getLoadReport().getBuffersList().stream()
                    .filter(b -> b.getDevice().startsWith("CUDA")).map(b -> b.getBytes()).toList();
            segments.add(new Segment("weights", r.getModelId(), bytes.get(0), 0, ""));
            segments.add(new Segment("kv_cache", r.getModelId(), bytes.get(1), 0, ""));
            segments.add(new Segment("compute", r.getModelId(), bytes.get(2), 0, ""));
            segments.add(new Segment("cuda_context", r.getModelId(), Heartbeats.CUDA_CONTEXT, 0, ""));
            held += Heartbeats.held(r);
        }
        long reserve = 512 * MIB;
        segments.add(new Segment("other_processes", "", other, 0, ""));
        segments.add(new Segment("reserve", "", reserve, 0, ""));
        segments.add(new Segment("free", "", total - held - other - reserve, 0, ""));
        return segments;
    }

    /** Each segment has the expected bytes and a width of bytes / card total of the bar, to a pixel. */
    static void assertBar(ChromeDriver browser, String node, long total, List<Segment> expected) {
        Map<String, Object> card = read(browser, node);
        double barWidth = ((Number) card.get("barWidth")).doubleValue();
        List<Segment> shown = segments(card);
        assertEquals(expected.stream().map(s -> s.kind() + " " + s.model() + " " + s.bytes()).toList(),
                shown.stream().map(s -> s.kind() + " " + s.model() + " " + s.bytes()).toList(), node);
        for (int i = 0; i < expected.size(); i++) {
            double width = barWidth * expected.get(i).bytes() / total;
            assertEquals(width, shown.get(i).width(), 1.5, node + " " + expected.get(i).kind() + " of " + barWidth
                    + " px");
        }
    }

    /** The card's status, text and bar; an AssertionError while the page shows no card for the node. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(ChromeDriver browser, String node) {
        Map<String, Object> card = (Map<String, Object>) browser.executeScript(READ_CARD, node);
        if (card == null) {
            throw new AssertionError("no card for " + node + " yet");
        }
        return card;
    }

    @SuppressWarnings("unchecked")
    static List<Segment> segments(Map<String, Object> card) {
        return ((List<Map<String, Object>>) card.get("segments")).stream().map(s -> new Segment((String) s.get("kind"),
                (String) s.get("model"), ((Number) s.get("bytes")).longValue(), ((Number) s.get("width")).doubleValue(),
                (String) s.get("title"))).toList();
    }
}
