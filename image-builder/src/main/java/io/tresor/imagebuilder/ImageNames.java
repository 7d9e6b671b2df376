package io.tresor.imagebuilder;

import java.util.regex.Pattern;

/**
 * Image references and archive file names from the registry prefix and the project version:
 * {@code quay.io/tresor/tresor-webhook:0.1.0} and {@code tresor-webhook-0.1.0.tar}.
 */
public record ImageNames(String registry, String version) {

    /** The plugin init image OADP runs with the plugins volume at /target. */
    public static final String PLUGIN = "tresor-velero-plugin";
    /** The admission webhook (deploy/webhook). */
    public static final String WEBHOOK = "tresor-webhook";
    /** The node freeze agent (deploy/freeze-agent). */
    public static final String FREEZE_AGENT = "freeze-agent";

    // the OCI distribution spec's grammar for tags and repository path components
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]+)?");

    public ImageNames {
        if (!TAG.matcher(version).matches()) {
            throw new IllegalArgumentException("version " + version + " cannot be an image tag (letters, digits, _ . -,"
                    + " at most 128, not starting with . or -); set a plain version in the POM");
        }
        String[] parts = registry.split("/", -1);
        boolean valid = parts.length >= 2 && HOST.matcher(parts[0]).matches();
        for (int i = 1; valid && i < parts.length; i++) {
            valid = COMPONENT.matcher(parts[i]).matches();
        }
        if (!valid) {
            throw new IllegalArgumentException("image registry prefix " + registry + " must be <host>/<lower-case path>,"
                    + " e.g. quay.io/tresor (set -Dtresor.image.registry=...)");
        }
    }

    /** {@code <registry>/<name>:<version>}, the name the archive carries in its index. */
    public String reference(String name) {
        return registry + "/" + name + ":" + version;
    }

    /** {@code <name>-<version>.tar}. */
    public String archive(String name) {
        return name + "-" + version + ".tar";
    }
}
