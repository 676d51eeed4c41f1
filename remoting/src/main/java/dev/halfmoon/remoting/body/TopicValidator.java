package dev.halfmoon.remoting.body;

import java.util.regex.Pattern;

/** RocketMQ's rule for topic and group names. Stateless. */
public final class TopicValidator {
    public static final int MAX_LENGTH = 127;
    /** A group name's longest: its retry topic ({@code %RETRY%} and the name) must still be a legal topic name. */
    public static final int MAX_GROUP_LENGTH = MAX_LENGTH - "%RETRY%".length();
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

    /** Null when {@code name} is a legal group name (a topic's characters, up to {@link #MAX_GROUP_LENGTH}), else why not. */
    public static String groupProblem(String name) {
        if (name == null || name.isBlank()) {
            return "the group name is empty";
        }
        if (name.length() > MAX_GROUP_LENGTH || !LEGAL.matcher(name).matches()) {
            return "the group name '" + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "' is not legal: at "
                    + "most " + MAX_GROUP_LENGTH + " characters of [%|a-zA-Z0-9_-]";
        }
        return null;
    }
}
