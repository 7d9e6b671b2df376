package io.tresor.plugin.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which proxy an outbound connection takes, from the variables OADP sets on the Velero pod
 * ({@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY}, also lower-case), with Go's
 * {@code httpproxy} semantics: {@code NO_PROXY} entries are {@code *}, host or domain suffixes
 * ({@code example.com} and {@code .example.com} cover subdomains), IP addresses, CIDR ranges, optionally
 * with {@code :port}; loopback never goes through a proxy.
 */
public final class ProxyRoutes {
    private final URI httpsProxy;
    private final URI httpProxy;
    private final List<String> noProxy;

    private ProxyRoutes(URI httpsProxy, URI httpProxy, List<String> noProxy) {
        this.httpsProxy = httpsProxy;
        this.httpProxy = httpProxy;
        this.noProxy = noProxy;
    }

    /** Reads the proxy variables; upper case wins like Go's {@code FromEnvironment}. */
    public static ProxyRoutes fromEnvironment(Map<String, String> env) {
        List<String> no = new ArrayList<>();
        String raw = first(env, "NO_PROXY", "no_proxy");
        if (raw != null) {
            for (String e : raw.split(",")) {
                String t = e.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    no.add(t);
                }
            }
        }
        return new ProxyRoutes(parseProxy(first(env, "HTTPS_PROXY", "https_proxy"), "HTTPS_PROXY"),
                parseProxy(first(env, "HTTP_PROXY", "http_proxy"), "HTTP_PROXY"), List.copyOf(no));
    }

    /** The proxy for {@code target}, or empty for a direct connection. */
    public Optional<InetSocketAddress> proxyFor(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        URI proxy = scheme.equals("https") ? httpsProxy : scheme.equals("http") ? httpProxy : null;
        if (proxy == null || target.getHost() == null) {
            return Optional.empty();
        }
        String host = stripBrackets(target.getHost().toLowerCase(Locale.ROOT));
        int port = target.getPort() != -1 ? target.getPort() : scheme.equals("https") ? 443 : 80;
        if (host.equals("localhost") || Cidr.isLoopback(host) || bypassed(host, port)) {
            return Optional.empty();
        }
        int proxyPort = proxy.getPort() != -1 ? proxy.getPort() : "https".equals(proxy.getScheme()) ? 443 : 80;
        return Optional.of(InetSocketAddress.createUnresolved(proxy.getHost(), proxyPort));
    }

    /** A {@link ProxySelector} for {@code java.net.http.HttpClient} and the AWS SDK's URL connection client. */
    public ProxySelector asProxySelector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return proxyFor(uri).map(a -> List.of(new Proxy(Proxy.Type.HTTP, a))).orElse(List.of(Proxy.NO_PROXY));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
                // No fallback proxies to rotate through.
            }
        };
    }

    private boolean bypassed(String host, int port) {
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String pattern = entry;
            int entryPort = -1;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon && !entry.contains("/")) {
                try {
                    entryPort = Integer.parseInt(entry.substring(colon + 1));
                    pattern = entry.substring(0, colon);
                } catch (NumberFormatException e) {
                    continue;
                }
            }
            pattern = stripBrackets(pattern);
            if (entryPort != -1 && entryPort != port) {
                continue;
            }
            if (pattern.contains("/")) {
                if (Cidr.contains(pattern, host)) {
                    return true;
                }
            } else if (pattern.startsWith(".")) {
                if (host.endsWith(pattern) || host.equals(pattern.substring(1))) {
                    return true;
                }
            } else if (host.equals(pattern) || host.endsWith("." + pattern)) {
                return true;
            }
        }
        return false;
    }

    private static URI parseProxy(String value, String variable) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        URI u = URI.create(v.contains("://") ? v : "http://" + v);
        if (u.getHost() == null) {
            throw new IllegalArgumentException(variable + " '" + v + "' has no host; expected http://proxy.example.com:3128");
        }
        return u;
    }

    private static String first(Map<String, String> env, String upper, String lower) {
        String v = env.get(upper);
        return v != null && !v.isBlank() ? v : env.get(lower);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
