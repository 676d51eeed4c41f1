package dev.halfmoon.admin;

/**
 * Why a command failed, with the exit code it ends with (see {@link ExitCodes}) and a sentence for
 * the operator.
 */
public final class AdminException extends RuntimeException {
    private final int exitCode;

    public AdminException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    static AdminException failed(String message) {
        return new AdminException(ExitCodes.FAILED, message);
    }

    static AdminException unreachable(String message) {
        return new AdminException(ExitCodes.UNREACHABLE, message);
    }
}
