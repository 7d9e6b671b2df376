package io.tresor.plugin.testkit;

/** A parsed go-plugin handshake line, checked the way go-plugin's client checks it. */
public record Handshake(int coreProtocol, int appProtocol, String network, String address, String protocol) {

    /** Parses a line such as {@code 1|2|unix|/tmp/x.sock|grpc|}; throws with go-plugin's own wording. */
    public static Handshake parse(String raw) {
        String line = raw.strip();
        String[] parts = line.split("\\|", -1);
        if (parts.length < 4) {
            throw new IllegalStateException("Unrecognized remote plugin message: " + line);
        }
        int core = Integer.parseInt(parts[0]);
        if (core != 1) {
            throw new IllegalStateException("Incompatible core API version with plugin: " + core);
        }
        int app = Integer.parseInt(parts[1]);
        if (app != 2) {
            throw new IllegalStateException("Incompatible API version with plugin. Plugin version: " + app);
        }
        if (!parts[2].equals("unix") && !parts[2].equals("tcp")) {
            throw new IllegalStateException("Unknown address type: " + parts[2]);
        }
        String protocol = parts.length > 4 ? parts[4] : "netrpc";
        if (!protocol.equals("grpc")) {
            throw new IllegalStateException("Unsupported plugin protocol: " + protocol);
        }
        return new Handshake(core, app, parts[2], parts[3], protocol);
    }
}
