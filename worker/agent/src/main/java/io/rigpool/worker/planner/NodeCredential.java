package io.rigpool.worker.planner;

import io.rigpool.common.files.OwnerOnlyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The credential the planner gave this node id at its first hello, sent in every hello after it. Kept in an
 * owner-only file when one is configured: the planner answers to this node id only with it, across restarts too.
 */
public final class NodeCredential {

    /** Longer than any credential the planner issues (43 characters); a larger file is not one. */
    private static final int MAX_LENGTH = 256;

    private final Optional<Path> file;
    private volatile String value;

    public NodeCredential(Optional<Path> file) {
        this.file = file;
        this.value = file.map(NodeCredential::read).orElse("");
    }

    public String value() {
        return value;
    }

    /** Keeps a credential the planner just issued; the file is written whole or not at all. */
    public void keep(String credential) {
        if (credential.isEmpty() || credential.equals(value)) {
            return;
        }
        value = credential;
        file.ifPresent(f -> write(f, credential));
    }

    private static String read(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            if (Files.size(file) > MAX_LENGTH) {
                throw new IllegalStateException("the node credential file " + file + " holds " + Files.size(file)
                        + " bytes; a credential has at most " + MAX_LENGTH);
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the node credential file " + file, e);
        }
    }

    private static void write(Path file, String credential) {
        try {
            OwnerOnlyFile.write(file, credential + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the node credential in " + file
                    + "; the planner will refuse this node id after a restart", e);
        }
    }
}
