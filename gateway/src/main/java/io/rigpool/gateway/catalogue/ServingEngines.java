package io.rigpool.gateway.catalogue;

import io.rigpool.common.engines.EngineKind;
import io.rigpool.proto.v1.ModelCatalogEntry;

/**
 * What the engines serving a model can do beyond plain chat, from the planner's catalogue entry. A job may land on
 * any replica of its model, so a model reports token probabilities and calls tools only when every replica runs on
 * an engine that does (llama-server); a model with no replica placed yet cannot be promised either.
 */
public final class ServingEngines {

    private ServingEngines() {
    }

    /** Whether every replica of the model reports logprobs and calls tools. */
    public static boolean speakOpenAiInDepth(ModelCatalogEntry entry) {
        return entry.getEnginesCount() > 0 && entry.getEnginesList().stream()
                .allMatch(id -> EngineKind.byId(id).map(EngineKind::speaksOpenAiInDepth).orElse(false));
    }

    /** Why a model cannot, for the 400 that names it: "its replicas run on [java-llama, llama-server]". */
    public static String why(ModelCatalogEntry entry) {
        return entry.getEnginesCount() == 0
                ? "no replica of it is placed yet, so no engine can be promised"
                : "its replicas run on " + entry.getEnginesList() + ", and only llama-server does this";
    }
}
