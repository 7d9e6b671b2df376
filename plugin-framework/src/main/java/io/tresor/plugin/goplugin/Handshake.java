package io.tresor.plugin.goplugin;

import java.util.Map;
import java.util.Optional;

/**
 * go-plugin's start-up contract as Velero configures it: magic cookie {@code VELERO_PLUGIN=hello}, core protocol 1,
 * application protocol 2, and the one handshake line {@code 1|2|unix|/tmp/x.sock|grpc|} on stdout.
 */
public final class Handshake {
    public static final String COOKIE_KEY = "VELERO_PLUGIN";
    public static final String COOKIE_VALUE = "hello";
    public static final int CORE_PROTOCOL = 1;
    public static final int APP_PROTOCOL = 2;

    private Handshake() {
    }

    /** Why this process must not serve, or empty when the environment is Velero's. */
    public static Optional<String> refusal(Map<String, String> env) {
        if (!COOKIE_VALUE.equals(env.get(COOKIE_KEY))) {
            return Optional.of("This binary is a plugin. These are not meant to be executed directly.\n"
                    + "Please execute the program that consumes these plugins, which will\n"
                    + "load any plugins automatically (Velero loads it from its /plugins directory).\n"
                    + "To install it into a plugin directory run: tresor install <dir>");
        }
        String versions = env.get("PLUGIN_PROTOCOL_VERSIONS");
        if (versions != null && !versions.isBlank()) {
            // a loop, not a stream: this runs at every start, before the handshake
            boolean supported = false;
            for (String v : versions.split(",")) {
                supported |= v.trim().equals(Integer.toString(APP_PROTOCOL));
            }
            if (!supported) {
                return Optional.of("Incompatible API version with plugin. Plugin version: " + APP_PROTOCOL
                        + ", Client versions: [" + versions + "]");
            }
        }
        return Optional.empty();
    }

    /** The line printed once the listener accepts; an empty 6th field (no AutoMTLS certificate), as Go servers print. */
    public static String line(String network, String address) {
        if (!network.equals("unix") && !network.equals("tcp")) {
            throw new IllegalArgumentException("network must be unix or tcp, not " + network);
        }
        if (address.contains("|") || address.contains("\n")) {
            throw new IllegalArgumentException("address must not contain '|' or a newline: " + address);
        }
        return CORE_PROTOCOL + "|" + APP_PROTOCOL + "|" + network + "|" + address + "|grpc|";
    }
}
