package dev.halfmoon.broker.config;

/** A setting that is unknown, malformed or out of range; the message names the key and the value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
