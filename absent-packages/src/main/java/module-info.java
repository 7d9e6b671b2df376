/**
 * Linked into the plugin's runtime image (never on its class path). Libraries ask whether optional classes are
 * present by loading them by name: protobuf {@code libcore.io.Memory} and {@code org.robolectric.Robolectric} (is
 * this Android?), gRPC's PerfMark {@code io.perfmark.impl.SecretPerfMarkImpl} (is tracing linked in?). A class in a
 * package that no module owns is looked up on the class path, and that miss reads the application jar's central
 * directory (23,000 entries, ~35 ms of CPU) at start-up or at Velero's first call. With the packages owned by a
 * module of the boot layer, the class loader looks only here and answers "no such class" at once: the true answer
 * for this plugin, whose class path has none of them (PluginTreeIT checks the jar stays closed).
 */
module io.tresor.absentpackages {
    // a module of the image is a root module of a class-path application only if it exports a package
    exports libcore.io;
    exports org.robolectric;
    exports io.perfmark.impl;
    exports io.grpc.override;
}
