package io.rigpool.bench.placement;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rigpool.planner.placement.DemandAwareOptimiser;
import io.rigpool.planner.placement.ExhaustiveOptimiser;
import io.rigpool.planner.placement.Footprint;
import io.rigpool.planner.placement.Instance;
import io.rigpool.planner.placement.ModelSpec;
import io.rigpool.planner.placement.NodeSpec;
import io.rigpool.planner.placement.Placement;
import io.rigpool.planner.placement.PlacementProblem;
import io.rigpool.planner.placement.PlacementSettings;
import io.rigpool.planner.placement.PlanJudge;
import io.rigpool.planner.placement.PlanQuality;
import io.rigpool.planner.placement.simulation.DemandMix;
import io.rigpool.planner.placement.simulation.GamingPc;
import io.rigpool.planner.placement.simulation.SimulatedFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The planner's benchmark: predicted served throughput of rigpool's plan against a GPUStack-style and an
 * Ollama-style placement, and the exhaustive optimum where the problem is small enough, for several demand mixes
 * on a simulated fleet of twelve gaming PCs and the real-shape model catalogue; then the time to plan 1,000 nodes
 * and 100 models on one core. Every plan is judged by the same rule ({@link PlanJudge}): the served throughput of
 * its runners with node time shared optimally, no model served beyond its demand. Writes
 * {@code bench/results/planner.json}. Run with {@code bench/run planner}.
 */
public final class PlacementBenchmark {

    private PlacementBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("rigpool.home", "."));
        List<Map<String, Object>> cases = new ArrayList<>();
        List<GamingPc> pcs = SimulatedFleet.twelvePcs();
        System.out.printf(Locale.ROOT, "%-22s %-11s %9s %9s %9s %9s %7s%n", "case", "mix", "rigpool", "gpustack",
                "ollama", "optimum", "ratio");
        List<Map<String, Object>> liveVram = new ArrayList<>();
        for (DemandMix mix : DemandMix.all()) {
            cases.add(fleetCase("fleet-12-", pcs, mix, liveVram));
        }
        for (DemandMix mix : DemandMix.threeCards()) {
            cases.add(fleetCase("fleet-3-", SimulatedFleet.threeCards(), mix, liveVram));
        }
        for (Map.Entry<String, double[]> mini : miniatureMixes().entrySet()) {
            cases.add(miniatureCase(mini.getKey(), mini.getValue()));
        }
        Map<String, Object> scale = scale(1000, 100);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generated_at", Instant.now().toString());
        out.put("metric", "predicted served decode throughput (tok/s): node time shared optimally between a node's"
                + " runners, no model beyond its demand, bandwidth speed model, memory from the estimator");
        out.put("quality_metrics", "per case and strategy: max_node_utilisation (the least share of the busiest"
                + " node's memory time that serves what the plan serves), request_tps (tok/s one request sees,"
                + " averaged over served tokens), idle_runner_ram_gib / idle_runner_vram_gib (held by runners that"
                + " serve nothing), idle_gpus_while_cpu_layers_serve (GPUs running nothing while some served model"
                + " has layers on a CPU), cpu_layer_tps (tok/s weighted by the share of layers left on the CPU)");
        out.put("fleet", "12 PCs: 2 each of RTX 3060 12GB, 3070 8GB, 3080 10GB, 4060 8GB, 4070 12GB, 4090 24GB;"
                + " 16-64 GB RAM; desktop holds 0.4-1.4 GB VRAM; rigpool keeps 0.5 GiB reserve");
        out.put("cases", cases);
        out.put("gpustack_like_live_vram", liveVram);
        out.put("gpustack_like_live_vram_note", "the GPUStack-style placer given each PC's live free VRAM instead"
                + " of its card size (so none of its loads fail): rigpool's lead without the out-of-memory effect");
        out.put("scale", scale);
        Path file = home.resolve("bench/results/planner.json");
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), out);
        System.out.println("wrote " + file);
    }

    private static Map<String, Object> fleetCase(String prefix, List<GamingPc> pcs, DemandMix mix,
            List<Map<String, Object>> liveVram) {
        List<ModelSpec> models = new ArrayList<>();
        mix.tokensPerSecond().forEach((id, tps) -> models.add(SimulatedFleet.model(id, tps, SimulatedFleet.options())));
        List<NodeSpec> planning = SimulatedFleet.nodes(pcs);
        PlacementProblem problem = PlacementProblem.fresh(planning, models, PlacementSettings.defaults());
        // What the PCs really have: free VRAM without rigpool's reserve. Every plan is judged against this.
        List<NodeSpec> physical = new ArrayList<>();
        Map<String, Long> cardVram = new HashMap<>();
        for (int i = 0; i < pcs.size(); i++) {
            NodeSpec n = planning.get(i);
            physical.add(new NodeSpec(n.nodeId(), pcs.get(i).freeVramBytes(), n.ramBudget(), n.gpuBandwidth(),
                    n.cpuBandwidth(), true, n.models(), null, ""));
            cardVram.put(n.nodeId(), pcs.get(i).card().vramBytes());
        }
        PlacementProblem real = problem.withNodes(physical);
        long start = System.nanoTime();
        Placement rigpool = new DemandAwareOptimiser().place(problem);
        double seconds = (System.nanoTime() - start) / 1e9;
        Placement rigpoolJudged = PlanJudge.judge(real, rigpool.runners());
        List<Instance> gpustack = survivingLoads(real, new GpuStackLikePlacer().place(real, cardVram));
        Placement gpustackJudged = PlanJudge.judge(real, gpustack);
        Placement ollamaJudged = PlanJudge.judge(real, new OllamaLikePlacer().place(real));
        Map<String, Long> freeVram = new HashMap<>();
        physical.forEach(n -> freeVram.put(n.nodeId(), n.vramBudget()));
        double gpustackLive = PlanJudge.judge(real, new GpuStackLikePlacer().place(real, freeVram)).servedTps();
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("name", prefix + mix.name());
        live.put("gpustack_like_tps", round(gpustackLive));
        liveVram.add(live);
        System.out.printf(Locale.ROOT, "  (GPUStack-style with live free VRAM: %.1f tok/s)%n", gpustackLive);
        Map<String, Object> row = row(prefix + mix.name(), mix, rigpoolJudged.servedTps(), gpustackJudged.servedTps(),
                ollamaJudged.servedTps(), null, seconds);
        row.put("quality", quality(rigpoolJudged, gpustackJudged, ollamaJudged, null));
        return row;
    }

    /**
     * Loads in order on each PC against what it really has free: a runner planned into VRAM the desktop holds
     * fails to load (out of memory) and serves nothing.
     */
    private static List<Instance> survivingLoads(PlacementProblem real, List<Instance> planned) {
        Map<String, long[]> left = new HashMap<>();
        real.nodes().forEach(n -> left.put(n.nodeId(), new long[] {n.vramBudget(), n.ramBudget()}));
        Map<String, ModelSpec> models = real.modelsById();
        List<Instance> loaded = new ArrayList<>();
        for (Instance i : planned) {
            Footprint f = models.get(i.modelId()).footprint(i.option()).orElseThrow();
            long[] l = left.get(i.nodeId());
            if (f.gpuBytes(i.gpuLayers()) <= l[0] && f.cpuBytes(i.gpuLayers()) <= l[1]) {
                l[0] -= f.gpuBytes(i.gpuLayers());
                l[1] -= f.cpuBytes(i.gpuLayers());
                loaded.add(i);
            }
        }
        return loaded;
    }

    /** Demands (tok/s) of the three miniature models: Llama, Qwen, Phi. */
    private static Map<String, double[]> miniatureMixes() {
        Map<String, double[]> mixes = new LinkedHashMap<>();
        mixes.put("even", new double[] {400, 400, 400});
        mixes.put("one-hot", new double[] {2000, 50, 50});
        mixes.put("mixed", new double[] {1500, 600, 300});
        return mixes;
    }

    private static Map<String, Object> miniatureCase(String name, double[] demand) {
        List<ModelSpec> models = List.of(MiniatureFleet.model(MiniatureFleet.LLAMA, demand[0]),
                MiniatureFleet.model(MiniatureFleet.QWEN, demand[1]), MiniatureFleet.model(MiniatureFleet.PHI,
                        demand[2]));
        PlacementProblem problem = PlacementProblem.fresh(MiniatureFleet.nodes(), models,
                PlacementSettings.defaults());
        long start = System.nanoTime();
        Placement rigpool = new DemandAwareOptimiser().place(problem);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> vram = new HashMap<>();
        problem.nodes().forEach(n -> vram.put(n.nodeId(), n.vramBudget()));
        Placement gpustack = PlanJudge.judge(problem, new GpuStackLikePlacer().place(problem, vram));
        Placement ollama = PlanJudge.judge(problem, new OllamaLikePlacer().place(problem));
        Placement optimum = new ExhaustiveOptimiser(50_000_000).place(problem);
        DemandMix mix = new DemandMix(name, String.format(Locale.ROOT, "Llama %.0f, Qwen %.0f, Phi %.0f tok/s "
                + "(6-layer cuts, 3 PCs)", demand[0], demand[1], demand[2]), Map.of(), !name.equals("even"));
        Map<String, Object> row = row("mini-3x3-" + name, mix, rigpool.servedTps(), gpustack.servedTps(),
                ollama.servedTps(), optimum.servedTps(), seconds);
        row.put("quality", quality(rigpool, gpustack, ollama, optimum));
        return row;
    }

    /** Per strategy, what its plan does beyond serving demand (see {@link PlanQuality}). */
    private static Map<String, Object> quality(Placement rigpool, Placement gpustack, Placement ollama,
            Placement optimum) {
        Map<String, Object> quality = new LinkedHashMap<>();
        quality.put("rigpool", quality(rigpool));
        quality.put("gpustack_like", quality(gpustack));
        quality.put("ollama_like", quality(ollama));
        if (optimum != null) {
            quality.put("optimum", quality(optimum));
        }
        System.out.printf(Locale.ROOT, "    busiest node %.0f %% / %.0f %% / %.0f %%; per-request %.1f / %.1f / %.1f"
                + " tok/s; idle runners hold %.1f / %.1f / %.1f GiB; idle GPUs while CPU layers serve %d / %d / %d"
                + "  (rigpool / gpustack / ollama)%n",
                100 * rigpool.quality().busiestNodeShare(), 100 * gpustack.quality().busiestNodeShare(),
                100 * ollama.quality().busiestNodeShare(), rigpool.quality().requestTps(),
                gpustack.quality().requestTps(), ollama.quality().requestTps(), gib(rigpool.quality().idleBytes()),
                gib(gpustack.quality().idleBytes()), gib(ollama.quality().idleBytes()),
                rigpool.quality().idleGpusWhileOffGpu(), gpustack.quality().idleGpusWhileOffGpu(),
                ollama.quality().idleGpusWhileOffGpu());
        return quality;
    }

    private static Map<String, Object> quality(Placement plan) {
        PlanQuality q = plan.quality();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("max_node_utilisation", Math.round(q.busiestNodeShare() * 1000) / 1000.0);
        out.put("request_tps", round(q.requestTps()));
        out.put("idle_runner_ram_gib", Math.round(gib(q.idleRamBytes()) * 100) / 100.0);
        out.put("idle_runner_vram_gib", Math.round(gib(q.idleVramBytes()) * 100) / 100.0);
        out.put("idle_gpus_while_cpu_layers_serve", q.idleGpusWhileOffGpu());
        out.put("cpu_layer_tps", round(q.offGpuTps()));
        out.put("runners", plan.instances().stream().map(i -> String.format(Locale.ROOT, "%s %s %s ngl %d serves %.1f",
                i.nodeId(), i.modelId(), i.instance().option(), i.instance().gpuLayers(), i.servedTps())).toList());
        return out;
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }

    private static Map<String, Object> row(String name, DemandMix mix, double rigpool, double gpustack,
            double ollama, Double optimum, double seconds) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("demand_mix", mix.name() + ": " + mix.description());
        row.put("rigpool_tps", round(rigpool));
        row.put("gpustack_like_tps", round(gpustack));
        row.put("ollama_like_tps", round(ollama));
        row.put("optimum_tps", optimum == null ? null : round(optimum));
        // One plan, cold-ish (no warm-up): what one planning round of this fleet costs, not a tight benchmark.
        row.put("rigpool_planning_seconds", Math.round(seconds * 1000) / 1000.0);
        double better = Math.max(gpustack, ollama);
        System.out.printf(Locale.ROOT, "%-22s %-11s %9.1f %9.1f %9.1f %9s %6.2fx  (%.2f s)%n", name, mix.name(),
                rigpool, gpustack, ollama, optimum == null ? "-" : String.format(Locale.ROOT, "%.1f", optimum),
                better <= 0 ? Double.NaN : rigpool / better, seconds);
        return row;
    }

    private static Map<String, Object> scale(int nodes, int models) {
        PlacementProblem problem = ScaleFleet.problem(nodes, models, 42);
        DemandAwareOptimiser optimiser = new DemandAwareOptimiser();
        for (int i = 0; i < 3; i++) {
            optimiser.place(problem);
        }
        List<Double> times = new ArrayList<>();
        Placement plan = null;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            plan = optimiser.place(problem);
            times.add((System.nanoTime() - start) / 1e9);
        }
        times.sort(Double::compare);
        double median = times.get(times.size() / 2);
        System.out.printf(Locale.ROOT, "scale: %d nodes x %d models planned in %.3f s (median of 5, one thread);"
                + " %d runners, %.0f of %.0f tok/s demand served%n", nodes, models, median, plan.instances().size(),
                plan.servedTps(), problem.models().stream().mapToDouble(ModelSpec::demandTps).sum());
        Map<String, Object> scale = new LinkedHashMap<>();
        scale.put("nodes", nodes);
        scale.put("models", models);
        scale.put("seconds", round(median * 1000) / 1000);
        return scale;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
