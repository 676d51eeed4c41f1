package dev.halfmoon.remoting.body;

import java.util.regex.Pattern;

/** RocketMQ's rule for topic and group names. Stateless. */
public final class TopicValidator {
    public static final int MAX_LENGTH = 127;
    private static final Pattern LEGAL = Pattern.compile("^[%|a-zA-Z0-9_-]+$");

    private TopicValidator() {
    }

    /** Null when {@code name} is a legal topic name, else why not. */
    public static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "the topic name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "the topic name is longer than " + MAX_LENGTH + " characters";
        }
        if (!LEGAL.matcher(name).matches()) {
            return "the topic name '" + name + "' has characters other than [%|a-zA-Z0-9_-]";
        }
        return null;
    }
}
