package io.tresor.imagearchive.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Credentials for a registry: none, or a user and password (for OpenShift, the service-account token as password). */
public final class RegistryCredentials {
    private static final RegistryCredentials ANONYMOUS = new RegistryCredentials(null, null);

    private final String username;
    private final String password;

    private RegistryCredentials(String username, String password) {
        this.username = username;
        this.password = password;
    }

    public static RegistryCredentials anonymous() {
        return ANONYMOUS;
    }

    public static RegistryCredentials basic(String username, String password) {
        return new RegistryCredentials(username, password);
    }

    /** The Velero pod's service-account token: OpenShift's registry takes it as password with any user name. */
    public static RegistryCredentials serviceAccountToken(String token) {
        return new RegistryCredentials("serviceaccount", token.strip());
    }

    public boolean isAnonymous() {
        return username == null;
    }

    /** The {@code Basic} header value, or null when anonymous. */
    String basicHeader() {
        if (username == null) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return isAnonymous() ? "RegistryCredentials[anonymous]" : "RegistryCredentials[user=" + username + "]";
    }
}
