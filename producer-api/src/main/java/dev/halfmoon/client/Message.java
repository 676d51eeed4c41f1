package dev.halfmoon.client;

import dev.halfmoon.message.MessageProperty;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message to send: topic, body, and optional tag, keys, delay level and user properties.
 * Immutable; built with {@link #builder}.
 *
 * <pre>{@code
 * Message m = Message.builder("OrderCreated")
 *         .body(json.getBytes(UTF_8))
 *         .tag("eu")
 *         .keys("order-42")
 *         .build();
 * }</pre>
 */
public final class Message {
    private final String topic;
    private final byte[] body;
    private final Map<String, String> properties;

    private Message(String topic, byte[] body, Map<String, String> properties) {
        this.topic = topic;
        this.body = body;
        this.properties = Collections.unmodifiableMap(properties);
    }

    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    public String topic() {
        return topic;
    }

    /** The body (a copy). */
    public byte[] body() {
        return body.clone();
    }

    byte[] bodyUnsafe() {
        return body;
    }

    /** Every property, the wire ones included (TAGS, KEYS, DELAY, ...). */
    public Map<String, String> properties() {
        return properties;
    }

    public String tag() {
        return properties.get(MessageProperty.TAGS);
    }

    /**
     * The message's unique id once it is being sent in a transaction (the transaction id), as the
     * {@link TransactionListener} sees it; null on a message you built.
     */
    public String transactionId() {
        return properties.get(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    }

    /** A copy with one more property. */
    Message withProperty(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(name, value);
        return new Message(topic, body, copy);
    }

    /** Builds a {@link Message}. Not thread-safe. */
    public static final class Builder {
        private final String topic;
        private byte[] body = new byte[0];
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
        }

        public Builder body(byte[] bytes) {
            this.body = Objects.requireNonNull(bytes, "body").clone();
            return this;
        }

        /** One tag consumers can filter on. */
        public Builder tag(String tag) {
            properties.put(MessageProperty.TAGS, tag);
            return this;
        }

        /** Business keys, each searchable with a query by key. */
        public Builder keys(String... keys) {
            properties.put(MessageProperty.KEYS, String.join(MessageProperty.KEY_SEPARATOR, List.of(keys)));
            return this;
        }

        /** Deliver after the broker's delay level {@code level} (1 = 1 s, 2 = 5 s, 3 = 10 s, ... by default). */
        public Builder delayLevel(int level) {
            if (level < 1) {
                throw new IllegalArgumentException("delay level must be at least 1: " + level);
            }
            properties.put(MessageProperty.DELAY_TIME_LEVEL, Integer.toString(level));
            return this;
        }

        /**
         * For a transactional message: how long the broker waits for the outcome before asking the
         * producer group (at least the broker's {@code transactionTimeOut}).
         */
        public Builder transactionTimeout(Duration timeout) {
            properties.put(MessageProperty.CHECK_IMMUNITY_TIME_IN_SECONDS, Long.toString(Math.max(1, timeout.toSeconds())));
            return this;
        }

        /** A user property. */
        public Builder property(String name, String value) {
            properties.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        public Message build() {
            if (body.length == 0) {
                throw new IllegalArgumentException("a message needs a non-empty body");
            }
            return new Message(topic, body, new LinkedHashMap<>(properties));
        }
    }
}
