package io.tresor.imagearchive.index;

import io.tresor.imagearchive.Digest;

/**
 * One entry of an ImageStream tag's history ({@code status.tags[].items[]}) and what the capture did with it.
 *
 * @param created              the item's {@code created} timestamp as the API wrote it
 * @param dockerImageReference the item's pullable reference
 * @param image                the item's image digest
 * @param outcome              what happened to it
 * @param reason               why it was skipped or only referenced, null when captured
 */
public record TagItemRecord(String created, String dockerImageReference, Digest image, Outcome outcome, String reason) {
    /** What the capture did with one history item. */
    public enum Outcome {
        /** Copied into the archive in this backup. */
        CAPTURED,
        /** Every blob was already in the archive (an earlier backup stored it). */
        ALREADY_PRESENT,
        /** Not copied: gone from the registry (404) or marked not to copy; restored as far as possible without it. */
        SKIPPED,
        /** Not copied on purpose: an external image or another namespace's repository, restored as a reference. */
        REFERENCE;

        /** True when the image's content is in the archive. */
        public boolean archived() {
            return this == CAPTURED || this == ALREADY_PRESENT;
        }
    }
}
