package io.rigpool.worker.models;

import io.rigpool.common.topics.Topics;
import io.rigpool.gguf.GgufFormatException;
import io.rigpool.gguf.GgufModel;
import io.rigpool.gguf.TensorInfo;
import io.rigpool.planner.estimate.GeometryMapping;
import io.rigpool.planner.estimate.ModelGeometry;
import io.rigpool.proto.v1.LocalModel;
import io.rigpool.worker.runner.LoadProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Finds the GGUF models in a directory (not its subdirectories). Reads headers and tensor tables only, so a scan of
 * many gigabytes takes milliseconds. Each model's geometry goes to the planner, whose estimator sizes it from that. A file that cannot be read is logged with the reader's reason and skipped: one
 * broken download must not keep a PC from serving its other models.
 */
public final class ModelDirectoryScanner {

    private static final Logger LOG = Logger.getLogger(ModelDirectoryScanner.class);

    private ModelDirectoryScanner() {
    }

    public static List<LocalModelFile> scan(Path dir) throws IOException {
        List<Path> entryPoints;
        try (Stream<Path> files = Files.list(dir)) {
            entryPoints = files.filter(Files::isRegularFile).filter(GgufModel::isModelEntryPoint)
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        List<LocalModelFile> models = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : entryPoints) {
            LocalModelFile model;
            try {
                model = describe(file);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("skipping model file %s: %s", file, e.getMessage());
                continue;
            }
            Path earlier = seen.putIfAbsent(model.modelId(), file);
            if (earlier != null) {
                LOG.warnf("skipping model file %s: its model id '%s' is taken by %s", file, model.modelId(), earlier);
                continue;
            }
            models.add(model);
        }
        models.sort(Comparator.comparing(LocalModelFile::modelId));
        return models;
    }

    /** @throws IOException with the GGUF reader's reason when the file is not a usable model */
    public static LocalModelFile describe(Path file) throws IOException {
        GgufModel gguf = GgufModel.open(file);
        LocalModel.Builder description = LocalModel.newBuilder()
                .setModelId(Topics.modelIdOf(GgufModel.stem(file)))
                .setFileName(file.getFileName().toString())
                .setSizeBytes(gguf.sizeBytes())
                .setArchitecture(gguf.architecture())
                .setBlockCount(gguf.blockCount())
                .setContextLength(gguf.archInteger("context_length").orElse(0L))
                .setFileType(gguf.header().integer("general.file_type").map(String::valueOf).orElse(""))
                .setNonLayerBytes(gguf.nonLayerBytes());
        for (long bytes : gguf.layerBytes()) {
            description.addLayerBytes(bytes);
        }
        try {
            description.setGeometry(GeometryMapping.toProto(ModelGeometry.of(gguf)));
        } catch (GgufFormatException e) {
            // Still servable: llama.cpp may read what the estimator does not; the planner then sizes the model from
            // its per-layer bytes alone.
            LOG.warnf("model file %s: no geometry for the planner's estimator (%s)", file, e.getMessage());
        }
        return new LocalModelFile(file, description.build(), LoadProgress.steps(gguf.tensors().stream()
                .mapToLong(TensorInfo::byteSize).toArray()));
    }
}
