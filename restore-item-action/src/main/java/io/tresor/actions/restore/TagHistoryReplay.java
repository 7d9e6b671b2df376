package io.tresor.actions.restore;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which archived images are pushed back: per tag, its history oldest first, so the newest push (the
 * current image) wins the tag and every older image is registered in the stream's history; pure. A tag whose newest
 * item was not archived (a reference or a skipped image) has its archived items pushed by digest only: pushing an older
 * image under the tag would move the tag back to it.
 */
final class TagHistoryReplay {
    /** One push: {@code image}, under {@code tag} unless {@code byDigestOnly}. */
    record Push(String tag, Digest image, boolean byDigestOnly) {
        Push(String tag, Digest image) {
            this(tag, image, false);
        }

        /** The tags to push the image under: none when by digest only. */
        List<String> tags() {
            return byDigestOnly ? List.of() : List.of(tag);
        }
    }

    private TagHistoryReplay() {
    }

    static List<Push> of(ImageStreamRecord record) {
        List<Push> pushes = new ArrayList<>();
        for (TagRecord tag : record.tags()) {
            List<TagItemRecord> items = tag.items();
            boolean byDigestOnly = !items.isEmpty() && !items.get(0).outcome().archived();
            for (int i = items.size() - 1; i >= 0; i--) {
                TagItemRecord item = items.get(i);
                if (item.outcome().archived()) {
                    pushes.add(new Push(tag.tag(), item.image(), byDigestOnly));
                }
            }
        }
        return pushes;
    }

    /**
     * The tags whose newest item was not archived while older ones were: they cannot be restored to their backup-time
     * image, and their archived images go in by digest only.
     */
    static List<TagRecord> leftToTheirSpec(ImageStreamRecord record) {
        return record.tags().stream().filter(t -> !t.items().isEmpty() && !t.items().get(0).outcome().archived()
                && t.items().stream().anyMatch(i -> i.outcome().archived())).toList();
    }
}
