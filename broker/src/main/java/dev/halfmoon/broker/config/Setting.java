package dev.halfmoon.broker.config;

/**
 * One configuration key with its default and what it means. Keys follow RocketMQ's
 * {@code broker.conf} names; Halfmoon-only keys are named in the same style.
 *
 * @param key          the key, as written in broker.conf or {@code --set key=value}
 * @param defaultValue the default as text; null when there is none (derived at start-up)
 * @param description  one line for the documentation and {@code --help}
 */
public record Setting(String key, String defaultValue, String description) {
}
