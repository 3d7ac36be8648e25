package io.rigpool.worker.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One folder of java-llama.cpp natives in the Ollama-style layout ({@code natives/cuda-13}, {@code natives/cuda-12}):
 * the JNI library with its CUDA runtime beside it, and the {@code manifest.json} that
 * {@code deploy/natives/build-cuda.sh} writes. The CUDA version the folder needs comes from the manifest, else from
 * the folder's name.
 *
 * @param label       how logs and reasons name it, e.g. "natives/cuda-13"
 * @param cudaVersion major.minor of the CUDA runtime it was built with, empty when neither manifest nor name says
 * @param llamaCppBuild the manifest's llama.cpp build, empty when unknown
 */
public record NativesFolder(Path path, String label, Optional<CudaVersion> cudaVersion, String llamaCppBuild) {

    public static final String MANIFEST = "manifest.json";
    private static final Pattern CUDA_FOLDER = Pattern.compile("cuda-v?(\\d+(?:\\.\\d+)?)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The {@code cuda-N} folders under {@code dir}, newest CUDA first; none when the folder does not exist. A
     * folder whose manifest cannot be read still counts: the probe decides whether its library works.
     */
    public static List<NativesFolder> under(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<NativesFolder> folders = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                Matcher name = CUDA_FOLDER.matcher(child.getFileName().toString());
                if (Files.isDirectory(child) && name.matches()) {
                    folders.add(read(child, dir.getFileName() + "/" + child.getFileName(), name.group(1)));
                }
            }
        }
        folders.sort(Comparator.comparing((NativesFolder f) -> f.cudaVersion().orElse(CudaVersion.NONE))
                .reversed());
        return List.copyOf(folders);
    }

    /** A folder named in configuration (rigpool.worker.runner.native-library-path), in any layout. */
    public static NativesFolder configured(Path dir) {
        return read(dir, dir.toString(), null);
    }

    private static NativesFolder read(Path dir, String label, String versionFromName) {
        Optional<CudaVersion> version = Optional.ofNullable(versionFromName).flatMap(CudaVersion::parse);
        String build = "";
        Path manifest = dir.resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            try {
                JsonNode node = JSON.readTree(manifest.toFile());
                Optional<CudaVersion> fromManifest = CudaVersion.parse(node.path("cuda_version").asText(""));
                if (fromManifest.isPresent()) {
                    version = fromManifest;
                }
                build = node.path("llama_cpp_build").asText("");
            } catch (IOException e) {
                // The probe will say whether the library itself is usable; the name still tells the version.
            }
        }
        return new NativesFolder(dir, label, version, build);
    }
}
