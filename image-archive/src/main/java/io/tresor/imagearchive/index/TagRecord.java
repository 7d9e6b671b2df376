package io.tresor.imagearchive.index;

import java.util.List;

/** One tag of an ImageStream with its history, newest first as in {@code status.tags[].items[]}. */
public record TagRecord(String tag, List<TagItemRecord> items) {
    public TagRecord {
        items = List.copyOf(items);
    }
}
