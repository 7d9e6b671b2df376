package io.tresor.serverlogging;

import java.util.logging.Logger;

/**
 * A server's start in a fresh JVM: the level applied, then one JUL record per level and one platform logger record on
 * stderr; on stdout whether JUL itself would build a FINE record (filtered there, it costs no SLF4J call).
 */
public final class JulProbe {
    private JulProbe() {
    }

    public static void main(String[] args) {
        ServerLogLevel.apply(args.length == 0 ? "" : args[0]);
        Logger grpc = Logger.getLogger("io.grpc.netty");
        System.out.println("fine-loggable=" + grpc.isLoggable(java.util.logging.Level.FINE));
        grpc.severe("probe-severe");
        grpc.warning("probe-warning");
        grpc.info("probe-info");
        grpc.fine("probe-fine");
        grpc.finest("probe-finest");
        // how the JDK's own code logs (System.Logger, java.util.logging behind it)
        System.getLogger("jdk.probe").log(System.Logger.Level.WARNING, "probe-platform");
    }
}
