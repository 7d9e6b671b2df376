package io.tresor.webhook.policy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tells whether the AWS plugin image the Velero pod runs can read {@code customerKeyEncryptionSecret}. */
public final class AwsPluginVersion {

    private static final Pattern SEMVER = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");
    /** OADP's own image tags name the OADP release; OADP 1.6 ships Velero 1.17 and AWS plugin 1.13. */
    private static final Pattern OADP_TAG = Pattern.compile("^oadp-(\\d+)\\.(\\d+).*");

    private AwsPluginVersion() {
    }

    /** A problem an admin must read, or empty when the image is recent enough or the policy does not need it. */
    public static Optional<String> problem(String image, PolicyConfig config) {
        if (config.keySource() != KeySource.secret) {
            return Optional.empty();
        }
        if (image == null || image.isEmpty()) {
            return Optional.of("AWS plugin image unknown (no DPA or Velero deployment found): cannot confirm it is >= "
                    + config.minimumAwsPluginVersion() + ", which keySource secret needs");
        }
        int at = image.indexOf('@');
        String ref = at >= 0 ? image.substring(0, at) : image;
        int colon = ref.lastIndexOf(':');
        String tag = colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "";
        int[] have = parse(tag);
        if (have == null) {
            return Optional.of("AWS plugin image " + image + " has no version tag: cannot confirm it is >= "
                    + config.minimumAwsPluginVersion() + ", which keySource secret needs");
        }
        int[] need = parse(config.minimumAwsPluginVersion());
        if (need != null && compare(have, need) < 0) {
            return Optional.of("AWS plugin " + image + " is older than " + config.minimumAwsPluginVersion()
                    + ": it cannot read customerKeyEncryptionSecret and tenant locations will be Unavailable; upgrade "
                    + "OADP/the plugin or use keySource: file");
        }
        return Optional.empty();
    }

    private static int[] parse(String tag) {
        Matcher oadp = OADP_TAG.matcher(tag);
        if (oadp.matches()) {
            boolean atLeast16 = Integer.parseInt(oadp.group(1)) > 1 || Integer.parseInt(oadp.group(2)) >= 6;
            return atLeast16 ? new int[] {1, 13, 0} : new int[] {1, 12, 0};
        }
        Matcher semver = SEMVER.matcher(tag);
        if (!semver.matches()) {
            return null;
        }
        return new int[] {Integer.parseInt(semver.group(1)), Integer.parseInt(semver.group(2)),
            semver.group(3) == null ? 0 : Integer.parseInt(semver.group(3))};
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
