package dev.halfmoon.remoting.body;

/** RocketMQ's topic permission bits ({@code PermName}). */
public final class Perm {
    public static final int PRIORITY = 0x8;
    public static final int READ = 0x4;
    public static final int WRITE = 0x2;
    public static final int INHERIT = 0x1;
    /** Read and write: a normal topic. */
    public static final int READ_WRITE = READ | WRITE;

    private Perm() {
    }

    public static boolean readable(int perm) {
        return (perm & READ) != 0;
    }

    public static boolean writable(int perm) {
        return (perm & WRITE) != 0;
    }

    /** "RW-" style text. */
    public static String text(int perm) {
        return (readable(perm) ? "R" : "-") + (writable(perm) ? "W" : "-") + ((perm & INHERIT) != 0 ? "X" : "-");
    }
}
