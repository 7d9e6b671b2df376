package io.tresor.plugin.main;

import java.util.function.Supplier;

/** A value built by the first caller that needs it and shared afterwards; a failed build is retried by the next. */
final class OnFirstUse<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    OnFirstUse(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = factory.get();
                    value = v;
                }
            }
        }
        return v;
    }
}
