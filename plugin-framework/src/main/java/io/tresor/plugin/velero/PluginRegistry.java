package io.tresor.plugin.velero;

import io.tresor.plugin.api.ActionException;

import java.util.ArrayList;
import java.util.Comparator;
import io.tresor.plugin.api.ItemAction;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The actions one executable serves, by kind and name. Validated when built, immutable afterwards, so it is
 * safe to read from any number of gRPC threads.
 */
public final class PluginRegistry {

    /** One registered plugin. */
    public record Entry(PluginKind kind, String name, Object action) {
    }

    /**
     * Kind, then name. A plain class: {@code Comparator.comparing(...).thenComparing(...)} made the JDK spin four
     * lambda classes and their method-handle forms at every start (~6 ms of CPU before the handshake), which the
     * AOT cache does not hold.
     */
    private static final Comparator<Entry> LISTING_ORDER = new ListingOrder();

    private final Map<PluginKind, Map<String, Object>> byKind;
    private final List<Entry> listing;

    private PluginRegistry(List<Entry> entries) {
        Map<PluginKind, Map<String, Object>> m = new EnumMap<>(PluginKind.class);
        for (Entry e : entries) {
            m.computeIfAbsent(e.kind(), k -> new HashMap<>()).put(e.name(), e.action());
        }
        byKind = m;
        List<Entry> sorted = new ArrayList<>(entries);
        // Go's framework lists by kind, then by name; Velero runs actions in this order.
        sorted.sort(LISTING_ORDER);
        listing = List.copyOf(sorted);
    }

    /** Every plugin in ListPlugins order. */
    public List<Entry> entries() {
        return listing;
    }

    /** The action registered under {@code kind}/{@code name}, or the error Velero's Go framework would give. */
    public <T> T lookup(PluginKind kind, String name, Class<T> type) throws ActionException {
        Object a = byKind.getOrDefault(kind, Map.of()).get(name);
        if (a == null) {
            throw new ActionException(kind.wireName() + " plugin: " + name + " was not found or has an invalid name format");
        }
        return type.cast(a);
    }

    /** Starts a registry. */
    /** Whether the action registered as {@code kind}/{@code name} declared itself non-blocking (false if none is). */
    public boolean nonBlocking(PluginKind kind, String name) {
        return byKind.getOrDefault(kind, Map.of()).get(name) instanceof ItemAction a && a.nonBlocking();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects registrations and refuses what Velero would refuse at server start. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        /** Adds a plugin; throws if the name is invalid or already taken within its kind family. */
        public Builder add(PluginKind kind, String name, Object action) {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(action, "action");
            PluginName.validate(name);
            for (Entry e : entries) {
                if (e.kind().family() == kind.family() && e.name().equals(name)) {
                    throw new IllegalArgumentException("plugin " + name + " is already registered as " + e.kind().wireName()
                            + "; a name may appear once per kind (v1 and v2 of a kind count as one)");
                }
            }
            entries.add(new Entry(kind, name, action));
            return this;
        }

        public PluginRegistry build() {
            return new PluginRegistry(entries);
        }
    }

    private static final class ListingOrder implements Comparator<Entry> {
        @Override
        public int compare(Entry a, Entry b) {
            int byKind = a.kind().compareTo(b.kind());
            return byKind != 0 ? byKind : a.name().compareTo(b.name());
        }
    }
}
