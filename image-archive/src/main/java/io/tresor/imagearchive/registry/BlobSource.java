package io.tresor.imagearchive.registry;

import java.io.IOException;
import java.io.InputStream;

/** Opens a blob's content afresh for each attempt, so that a failed upload can be retried from the start. */
@FunctionalInterface
public interface BlobSource {
    InputStream open() throws IOException;
}
