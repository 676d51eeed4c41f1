package dev.halfmoon.broker.acl;

/**
 * RocketMQ's ACL permissions (its {@code Permission} values): DENY, PUB, SUB and PUB|SUB, and the
 * rule for whether an owned permission covers a needed one. Stateless.
 */
public final class AclPerm {
    public static final byte DENY = 1;
    public static final byte ANY = 1 << 1;
    public static final byte PUB = 1 << 2;
    public static final byte SUB = 1 << 3;

    private AclPerm() {
    }

    /**
     * Parses DENY, PUB, SUB, PUB|SUB (or SUB|PUB).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static byte parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a permission is DENY, PUB, SUB or PUB|SUB, got nothing");
        }
        return switch (text.trim().toUpperCase().replace(" ", "")) {
            case "DENY" -> DENY;
            case "PUB" -> PUB;
            case "SUB" -> SUB;
            case "PUB|SUB", "SUB|PUB" -> (byte) (PUB | SUB);
            default -> throw new IllegalArgumentException("a permission is DENY, PUB, SUB or PUB|SUB, got '" + text + "'");
        };
    }

    /** Whether {@code owned} allows {@code needed}. DENY allows nothing. */
    public static boolean allows(byte owned, byte needed) {
        if ((owned & DENY) != 0) {
            return false;
        }
        if ((needed & ANY) != 0) {
            return (owned & (PUB | SUB)) != 0;
        }
        return (needed & owned) == needed;
    }

    public static String text(byte perm) {
        if ((perm & DENY) != 0) {
            return "DENY";
        }
        return (perm & PUB) != 0 && (perm & SUB) != 0 ? "PUB|SUB" : (perm & PUB) != 0 ? "PUB" : (perm & SUB) != 0 ? "SUB" : "DENY";
    }
}
