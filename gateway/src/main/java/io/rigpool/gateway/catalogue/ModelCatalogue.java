package io.rigpool.gateway.catalogue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jboss.logging.Logger;

/**
 * The models this rigpool serves, as the planner's compacted {@code rigpool.models} topic says: the latest record
 * per model id wins, and a record without a value removes the model.
 */
public final class ModelCatalogue {

    private static final Logger LOG = Logger.getLogger(ModelCatalogue.class);

    private final ConcurrentMap<String, ModelCatalogEntry> models = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;

    /** Applies one record of the topic: {@code value} null is a removal. */
    public void apply(String modelId, byte[] value) {
        if (modelId == null) {
            return;
        }
        if (value == null) {
            models.remove(modelId);
            return;
        }
        try {
            models.put(modelId, ModelCatalogEntry.parseFrom(value));
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("ignoring catalogue record for '%s' that is not a ModelCatalogEntry (%s)", modelId,
                    e.getMessage());
        }
    }

    public boolean serves(String modelId) {
        return modelId != null && models.containsKey(modelId);
    }

    /** The planner's entry for a model (its context length, how many replicas are ready, ...). */
    public Optional<ModelCatalogEntry> find(String modelId) {
        return modelId == null ? Optional.empty() : Optional.ofNullable(models.get(modelId));
    }

    /** The ids of the models served, in order. */
    public List<String> modelIds() {
        return models.keySet().stream().sorted(Comparator.naturalOrder()).toList();
    }

    /** Whether every record that was on the topic when the gateway started has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    void markCaughtUp() {
        caughtUp = true;
    }
}
