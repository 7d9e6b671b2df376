package io.tresor.imagearchive.index;

import java.util.List;

/** One ImageStream of the backup and its tags. */
public record ImageStreamRecord(String namespace, String name, List<TagRecord> tags) {
    public ImageStreamRecord {
        tags = List.copyOf(tags);
    }
}
