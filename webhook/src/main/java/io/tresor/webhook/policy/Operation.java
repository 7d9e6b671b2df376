package io.tresor.webhook.policy;

/** The admission operations the apiserver sends. */
public enum Operation {
    CREATE, UPDATE, DELETE, CONNECT;

    /** Parses the wire name; unknown names are an error the caller reports as a malformed review. */
    public static Operation parse(String wire) {
        for (Operation op : values()) {
            if (op.name().equals(wire)) {
                return op;
            }
        }
        throw new IllegalArgumentException("request.operation must be CREATE, UPDATE, DELETE or CONNECT, got '" + wire + "'");
    }
}
