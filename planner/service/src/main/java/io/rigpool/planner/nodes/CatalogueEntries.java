package io.rigpool.planner.nodes;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.proto.v1.Assignment;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The models the fleet can serve, as the gateway reads them from {@code rigpool.models}. */
final class CatalogueEntries {

    private CatalogueEntries() {
    }

    /** The engine's wire name, the default one for an assignment that names none. */
    private static String engineName(Assignment a) {
        return EngineKind.byId(a.getEngine()).map(EngineKind::id).orElse(a.getEngine());
    }

    static Map<String, ModelCatalogEntry> of(Collection<Node> nodes, long nowMillis) {
        Map<String, ModelCatalogEntry.Builder> entries = new TreeMap<>();
        Map<String, Set<String>> engines = new TreeMap<>();
        for (Node node : nodes) {
            if (!node.live()) {
                continue;
            }
            for (LocalModel m : node.hello.getModelsList()) {
                ModelCatalogEntry.Builder e = entries.computeIfAbsent(m.getModelId(), id -> ModelCatalogEntry
                        .newBuilder().setModelId(id).setArchitecture(m.getArchitecture())
                        .setContextLength(m.getContextLength()).setSizeBytes(m.getSizeBytes()));
                e.setNodesHolding(e.getNodesHolding() + 1);
            }
            for (Assignment a : node.assignments) {
                ModelCatalogEntry.Builder e = entries.get(a.getModelId());
                if (e != null) {
                    e.setReplicasReady(e.getReplicasReady() + 1);
                    engines.computeIfAbsent(a.getModelId(), id -> new TreeSet<>()).add(engineName(a));
                }
            }
        }
        Map<String, ModelCatalogEntry> result = new TreeMap<>();
        entries.forEach((id, b) -> result.put(id, b.addAllEngines(engines.getOrDefault(id, Set.of()))
                .setUpdatedAtMs(nowMillis).build()));
        return result;
    }
}
