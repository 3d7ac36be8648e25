package io.rigpool.worker;

import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.worker.models.LocalModelFile;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** What this worker is doing, for its owner and for scripts that wait for it: {@code GET /api/status}. */
@Path("/api/status")
public class WorkerStatusResource {

    /** One loaded (or failing) model. */
    public record LoadedModelStatus(String modelId, String state, int nGpuLayers, int nCtx, int slotsTotal,
            String error) {

        static LoadedModelStatus of(LoadedModel m) {
            return new LoadedModelStatus(m.getModelId(), m.getState().name().replace("LOAD_STATE_", "")
                    .toLowerCase(java.util.Locale.ROOT), m.getNGpuLayers(), m.getNCtx(), m.getSlotsTotal(),
                    m.getError());
        }
    }

    /** The whole answer. */
    public record WorkerStatus(String nodeId, boolean plannerConnected, List<String> models,
            List<LoadedModelStatus> loaded) {
    }

    @Inject
    WorkerLifecycle lifecycle;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public WorkerStatus status() {
        WorkerNode node = lifecycle.node();
        return new WorkerStatus(node.setup().nodeId(), node.plannerConnected(),
                node.setup().models().stream().map(LocalModelFile::modelId).toList(),
                node.supervisor().status().stream().map(LoadedModelStatus::of).toList());
    }
}
