package dev.halfmoon.admin;

/** The exit codes of {@code halfmoon-admin}, for scripts. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** The broker refused, or what was named does not exist; nothing changed. */
    public static final int FAILED = 1;
    /** Bad command line (unknown option, missing argument). */
    public static final int USAGE = 2;
    /** No name server or broker could be reached. */
    public static final int UNREACHABLE = 3;
    /** A change was not confirmed (answered no, or no terminal and no --yes); nothing changed. */
    public static final int NOT_CONFIRMED = 4;
    /**
     * A change made on some brokers and refused or unreachable on others, or a listing some brokers could not
     * answer; the message names which.
     */
    public static final int PARTIAL = 5;

    static final String HELP = "%nExit codes:%n  0  done%n  1  refused or not found (nothing changed)%n  2  bad command line%n"
            + "  3  name server or broker unreachable%n  4  change not confirmed (nothing changed)%n"
            + "  5  done on, or answered by, some brokers only (the message says which)";

    private ExitCodes() {
    }
}
