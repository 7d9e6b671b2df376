package io.tresor.actions.restore;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which archived images are pushed back: per tag, its history oldest first, so the newest push (the
 * current image) wins the tag and every older image is registered in the stream's history; pure.
 */
final class TagHistoryReplay {
    /** One push: {@code image} under {@code tag}. */
    record Push(String tag, Digest image) {
    }

    private TagHistoryReplay() {
    }

    static List<Push> of(ImageStreamRecord record) {
        List<Push> pushes = new ArrayList<>();
        for (TagRecord tag : record.tags()) {
            List<TagItemRecord> items = tag.items();
            for (int i = items.size() - 1; i >= 0; i--) {
                TagItemRecord item = items.get(i);
                if (item.outcome().archived()) {
                    pushes.add(new Push(tag.tag(), item.image()));
                }
            }
        }
        return pushes;
    }
}
