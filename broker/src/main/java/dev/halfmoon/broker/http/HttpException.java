package dev.halfmoon.broker.http;

/** A request the API refuses: becomes a JSON error with this status. */
public final class HttpException extends RuntimeException {
    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
