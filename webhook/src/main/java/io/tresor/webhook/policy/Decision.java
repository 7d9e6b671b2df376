package io.tresor.webhook.policy;

import java.util.List;
import java.util.Objects;

/** The verdict of the policy on one admission request: allowed or not, why, and soft warnings. */
public record Decision(boolean allowed, String message, List<String> warnings) {

    public Decision {
        Objects.requireNonNull(message, "message");
        warnings = List.copyOf(warnings);
    }

    public static Decision allow() {
        return new Decision(true, "", List.of());
    }

    public static Decision allow(List<String> warnings) {
        return new Decision(true, "", warnings);
    }

    public static Decision deny(String message, List<String> warnings) {
        return new Decision(false, message, warnings);
    }
}
