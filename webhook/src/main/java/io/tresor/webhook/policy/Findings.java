package io.tresor.webhook.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects every problem a rule set finds so a tenant can fix them all in one round trip. */
public final class Findings {

    private final List<String> denials = new ArrayList<>();
    private final Set<String> warnings = new LinkedHashSet<>();

    /** Records a refusal: {@code field} names the offending field, {@code problem} what is wrong and how to fix it. */
    public void deny(String field, String problem) {
        denials.add(field + ": " + problem);
    }

    /** Records a soft problem that the apiserver shows as a warning. */
    public void warn(String field, String problem) {
        warnings.add(field + ": " + problem);
    }

    public boolean denied() {
        return !denials.isEmpty();
    }

    /** The decision for {@code subject}: denied when any refusal was recorded. */
    public Decision decide(String subject) {
        if (denials.isEmpty()) {
            return Decision.allow(List.copyOf(warnings));
        }
        String message = "tresor denied " + subject + ": " + String.join("; ", denials);
        return Decision.deny(message, List.copyOf(warnings));
    }
}
