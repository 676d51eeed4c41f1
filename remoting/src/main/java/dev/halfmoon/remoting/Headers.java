package dev.halfmoon.remoting;

/**
 * Typed reads of a request's custom header, refusing missing or malformed fields with a
 * {@link RequestException} (SYSTEM_ERROR) that names the field and the request. Stateless.
 */
public final class Headers {
    private Headers() {
    }

    public static String required(RemotingCommand request, String field) {
        String value = request.ext(field);
        if (value == null || value.isEmpty()) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR,
                    "missing header field '" + field + "' in request code " + request.code());
        }
        return value;
    }

    public static String optional(RemotingCommand request, String field, String fallback) {
        String value = request.ext(field);
        return value == null || value.isEmpty() ? fallback : value;
    }

    public static int requiredInt(RemotingCommand request, String field) {
        return parseInt(request, field, required(request, field));
    }

    public static int optionalInt(RemotingCommand request, String field, int fallback) {
        String value = request.ext(field);
        return value == null || value.isEmpty() ? fallback : parseInt(request, field, value);
    }

    public static long requiredLong(RemotingCommand request, String field) {
        return parseLong(request, field, required(request, field));
    }

    public static long optionalLong(RemotingCommand request, String field, long fallback) {
        String value = request.ext(field);
        return value == null || value.isEmpty() ? fallback : parseLong(request, field, value);
    }

    /** Like {@code Boolean.parseBoolean}: only "true" (any case) is true; absent is {@code fallback}. */
    public static boolean optionalBoolean(RemotingCommand request, String field, boolean fallback) {
        String value = request.ext(field);
        return value == null ? fallback : Boolean.parseBoolean(value);
    }

    private static int parseInt(RemotingCommand request, String field, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw malformed(request, field, value, "an integer");
        }
    }

    private static long parseLong(RemotingCommand request, String field, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw malformed(request, field, value, "an integer");
        }
    }

    private static RequestException malformed(RemotingCommand request, String field, String value, String what) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return new RequestException(ResponseCode.SYSTEM_ERROR, "header field '" + field + "' of request code "
                + request.code() + " must be " + what + ", was '" + shown + "'");
    }
}
