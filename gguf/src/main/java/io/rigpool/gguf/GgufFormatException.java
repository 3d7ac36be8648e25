package io.rigpool.gguf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GGUF file that is not what it claims to be: truncated, a length or count that the file cannot hold, an unknown
 * type. The message names the file, the field and the byte offset where reading stopped, so an owner can tell a
 * half-downloaded file from a wrong format.
 */
public final class GgufFormatException extends IOException {

    private final String field;
    private final long offset;

    public GgufFormatException(Path file, String field, long offset, String problem) {
        super(file.getFileName() + ": " + field + " at byte " + offset + ": " + problem);
        this.field = field;
        this.offset = offset;
    }

    public String field() {
        return field;
    }

    public long offset() {
        return offset;
    }
}
