package io.tresor.plugin.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literal and CIDR matching for {@code NO_PROXY}; never resolves host names (no DNS on this path). */
final class Cidr {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Cidr() {
    }

    static boolean isIpLiteral(String s) {
        return IPV4.matcher(s).matches() || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
    }

    static boolean isLoopback(String host) {
        return isIpLiteral(host) && parse(host).isLoopbackAddress();
    }

    /** Whether IP literal {@code host} lies in {@code cidr} ({@code 10.0.0.0/8}, {@code fd00::/8}). */
    static boolean contains(String cidr, String host) {
        if (!isIpLiteral(host)) {
            return false;
        }
        int slash = cidr.indexOf('/');
        String net = cidr.substring(0, slash);
        if (!isIpLiteral(net)) {
            return false;
        }
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] a = parse(net).getAddress();
        byte[] b = parse(host).getAddress();
        if (a.length != b.length || bits < 0 || bits > a.length * 8) {
            return false;
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(a.length * 8).subtract(BigInteger.ONE)
                .shiftRight(bits).not();
        return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
    }

    private static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal); // literal only: checked by isIpLiteral, no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }
}
