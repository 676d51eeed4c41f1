package dev.halfmoon.broker.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A remote-address pattern as RocketMQ's plain ACL writes them: {@code *} (any), an exact address
 * ({@code 192.168.0.7}, IPv6 too), IPv4 with {@code *} or a range {@code a-b} in a segment
 * ({@code 192.168.*.*}, {@code 10.0.1.1-100}), or a set in the last segment
 * ({@code 192.168.1.{1,2,7}}), or a comma-separated list of addresses. Blank matches nothing.
 * Stricter than RocketMQ in one way: every segment of a range pattern counts (RocketMQ ignores the
 * segments after the first wildcard, so its {@code 192.168.*.5} lets all of 192.168/16 in).
 * Immutable.
 */
public final class AddressMatcher {
    private final String pattern;
    private final Predicate<String> test;

    private AddressMatcher(String pattern, Predicate<String> test) {
        this.pattern = pattern;
        this.test = test;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the pattern
     */
    public static AddressMatcher parse(String pattern) {
        String p = pattern == null ? "" : pattern.trim();
        if (p.isEmpty()) {
            return new AddressMatcher(p, ip -> false);
        }
        if (p.equals("*") || p.equals("*.*.*.*") || p.equals("*:*:*:*:*:*:*:*")) {
            return new AddressMatcher(p, ip -> true);
        }
        int brace = p.indexOf('{');
        if (brace >= 0) {
            if (!p.endsWith("}")) {
                throw new IllegalArgumentException("address set '" + p + "' must end with '}'");
            }
            String prefix = p.substring(0, brace);
            List<String> members = new ArrayList<>();
            for (String m : p.substring(brace + 1, p.length() - 1).split(",")) {
                members.add(prefix + m.trim());
            }
            return new AddressMatcher(p, members::contains);
        }
        if (p.contains(",")) {
            List<String> members = new ArrayList<>();
            for (String m : p.split(",")) {
                members.add(m.trim());
            }
            return new AddressMatcher(p, members::contains);
        }
        if (p.contains(":")) {
            String exact = p.toLowerCase();
            return new AddressMatcher(p, ip -> ip.equalsIgnoreCase(exact));
        }
        String[] segments = p.split("\\.", -1);
        if (segments.length != 4) {
            throw new IllegalArgumentException("address pattern '" + p + "' is not *, an IP, a.b.c.{x,y}, or four segments "
                    + "of numbers, * or ranges n-m");
        }
        int[][] ranges = new int[4][];
        for (int i = 0; i < 4; i++) {
            ranges[i] = segment(segments[i], p);
        }
        return new AddressMatcher(p, ip -> matches(ranges, ip));
    }

    private static int[] segment(String s, String pattern) {
        try {
            if (s.equals("*")) {
                return new int[] {0, 255};
            }
            int dash = s.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(s.substring(dash + 1));
            if (from < 0 || to > 255 || from > to) {
                throw new IllegalArgumentException("address pattern '" + pattern + "': segment '" + s + "' is out of 0..255");
            }
            return new int[] {from, to};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address pattern '" + pattern + "': segment '" + s + "' is not a number, * or n-m");
        }
    }

    private static boolean matches(int[][] ranges, String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return false;
            }
            if (v < ranges[i][0] || v > ranges[i][1]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code ip} (without port) matches. */
    public boolean matches(String ip) {
        return ip != null && test.test(ip);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
