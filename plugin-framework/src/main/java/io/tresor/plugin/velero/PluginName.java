package io.tresor.plugin.velero;

/** Velero's rule for plugin names: {@code <DNS-1123 subdomain>/<non-empty>} with exactly one slash. */
public final class PluginName {
    private PluginName() {
    }

    /**
     * Returns the name if Velero would accept it and it does not collide with Velero's own plugins, else throws
     * with the reason. A name Velero rejects stops the whole Velero server at start, so it is refused here first.
     */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("plugin name is empty; use <prefix>/<name>, e.g. tresor.io/imagestream-capture");
        }
        int slash = name.indexOf('/');
        if (slash < 0 || slash != name.lastIndexOf('/')) {
            throw new IllegalArgumentException("plugin name '" + name
                    + "' must contain exactly one '/', e.g. tresor.io/imagestream-capture");
        }
        String prefix = name.substring(0, slash);
        String rest = name.substring(slash + 1);
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("plugin name '" + name + "' has nothing after the '/'");
        }
        if (prefix.length() > 253 || !isDns1123Subdomain(prefix)) {
            throw new IllegalArgumentException("plugin name prefix '" + prefix
                    + "' is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)");
        }
        if (prefix.equals("velero.io")) {
            throw new IllegalArgumentException("plugin name '" + name + "' uses Velero's own prefix velero.io; use tresor.io/");
        }
        if (name.contains("velero.io/csi-")) {
            throw new IllegalArgumentException("plugin name '" + name + "' would be skipped by Velero when CSI is off");
        }
        return name;
    }

    /**
     * Kubernetes' DNS-1123 subdomain without its length limit: dot-separated labels of {@code [a-z0-9-]} that start
     * and end with {@code [a-z0-9]}. Written out instead of a regular expression because registration runs at every
     * plugin start, and the JDK's regex engine is ~30 classes the start-up cache would otherwise have to load.
     */
    static boolean isDns1123Subdomain(String s) {
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                if (i == labelStart || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = s.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }
}
