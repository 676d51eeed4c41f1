package dev.halfmoon.remoting;

/**
 * Thrown by a processor to refuse a request with a specific response code and a remark a person
 * can act on (a missing or malformed header field, an unknown topic). Never logged as an error.
 */
public final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int responseCode;

    public RequestException(int responseCode, String remark) {
        super(remark);
        this.responseCode = responseCode;
    }

    public int responseCode() {
        return responseCode;
    }
}
