package io.tresor.imagearchive.index;

import io.tresor.imagearchive.Digest;

/**
 * A blob or manifest stored in the archive, as listed in {@code images.json}.
 *
 * @param mediaType the media type from the descriptor that pointed at it
 * @param platform  {@code os/arch[/variant]} for the platform manifests of an index, null otherwise
 */
public record BlobRecord(Digest digest, String mediaType, long size, String platform) {
}
