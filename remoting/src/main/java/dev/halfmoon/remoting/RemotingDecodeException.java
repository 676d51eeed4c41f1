package dev.halfmoon.remoting;

/** A frame or header that cannot be decoded; the connection it came on is closed. */
public final class RemotingDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RemotingDecodeException(String message) {
        super(message);
    }

    public RemotingDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
