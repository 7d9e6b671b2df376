package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/** Parses a JSON document on first use only: most actions never look at the backup or restore object. */
final class LazyObject implements Supplier<ObjectNode> {
    private final Supplier<ObjectNode> parser;
    private volatile ObjectNode value;

    LazyObject(Supplier<ObjectNode> parser) {
        this.parser = parser;
    }

    @Override
    public ObjectNode get() {
        ObjectNode v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = parser.get();
                    value = v;
                }
            }
        }
        return v;
    }
}
