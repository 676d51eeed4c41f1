package dev.halfmoon.client;

/**
 * Something a client call could not do, with a message a person can act on. Subclasses say what
 * kind of failure it was so callers can react (retry later, fix the topic, ...). Unchecked.
 */
public class ClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClientException(String message) {
        super(message);
    }

    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No name server knows a route for the topic (it does not exist, or no live broker serves it). */
    public static final class NoRoute extends ClientException {
        private static final long serialVersionUID = 1L;

        public NoRoute(String message) {
            super(message);
        }
    }

    /** A broker answered with an error code. */
    public static final class Rejected extends ClientException {
        private static final long serialVersionUID = 1L;
        private final int code;

        public Rejected(int code, String message) {
            super(message);
            this.code = code;
        }

        /** The broker's response code ({@code ResponseCode}). */
        public int code() {
            return code;
        }
    }

    /** No broker or name server could be reached, or it did not answer in time, after every retry. */
    public static final class Unavailable extends ClientException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The client was closed. */
    public static final class Closed extends ClientException {
        private static final long serialVersionUID = 1L;

        public Closed(String message) {
            super(message);
        }
    }
}
