package io.tresor.imagearchive.registry;

import io.tresor.imagearchive.Digest;

/**
 * A content descriptor from a manifest: what a manifest points at.
 *
 * @param platform {@code os/architecture[/variant]} for the entries of an index, null otherwise
 */
public record Descriptor(String mediaType, Digest digest, long size, String platform) {
}
