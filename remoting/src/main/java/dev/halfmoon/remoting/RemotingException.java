package dev.halfmoon.remoting;

/** A request that could not be carried out on the wire: no connection, a send failure or a timeout. */
public class RemotingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RemotingException(String message) {
        super(message);
    }

    public RemotingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No answer within the timeout. */
    public static final class Timeout extends RemotingException {
        private static final long serialVersionUID = 1L;

        public Timeout(String message) {
            super(message);
        }
    }

    /** Cannot connect to, or write to, the peer. */
    public static final class Connect extends RemotingException {
        private static final long serialVersionUID = 1L;

        public Connect(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The connection closed after the request was written and before its response came: the peer may or
     * may not have carried it out (unlike {@link Connect}, after which it did not).
     */
    public static final class Closed extends RemotingException {
        private static final long serialVersionUID = 1L;

        public Closed(String message) {
            super(message);
        }
    }
}
