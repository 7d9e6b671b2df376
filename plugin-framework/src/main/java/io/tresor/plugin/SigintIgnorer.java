package io.tresor.plugin;

import sun.misc.Signal;

/**
 * Ignores SIGINT as go-plugin servers do: a Ctrl-C sent to Velero's process group must not kill plugins before
 * Velero stops them itself.
 */
final class SigintIgnorer {
    private SigintIgnorer() {
    }

    static void install() {
        try {
            Signal.handle(new Signal("INT"), sig -> { });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // Signal handling not available in this runtime: default behaviour is acceptable.
        }
    }
}
