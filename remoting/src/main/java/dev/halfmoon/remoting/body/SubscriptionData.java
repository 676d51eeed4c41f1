package dev.halfmoon.remoting.body;

import java.util.Set;

/**
 * A subscription: a topic and a tag expression ("*" for all, or "TagA || TagB"), with the tags'
 * hash codes the broker filters on.
 */
public record SubscriptionData(String topic, String subString, Set<String> tagsSet, Set<Integer> codeSet,
                               long subVersion, String expressionType, boolean classFilterMode) {
    public static final String SUB_ALL = "*";

    public SubscriptionData {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("a subscription needs a topic");
        }
        tagsSet = tagsSet == null ? Set.of() : Set.copyOf(tagsSet);
        codeSet = codeSet == null ? Set.of() : Set.copyOf(codeSet);
        expressionType = expressionType == null ? "TAG" : expressionType;
    }

    /** Parses a TAG expression the way the client does: "*" or empty means all, else tags split on "||". */
    public static SubscriptionData ofTags(String topic, String expression) {
        String expr = expression == null ? "" : expression.trim();
        if (expr.isEmpty() || SUB_ALL.equals(expr)) {
            return new SubscriptionData(topic, SUB_ALL, Set.of(), Set.of(), System.currentTimeMillis(), "TAG", false);
        }
        java.util.Set<String> tags = new java.util.LinkedHashSet<>();
        java.util.Set<Integer> codes = new java.util.LinkedHashSet<>();
        for (String t : expr.split("\\|\\|")) {
            String tag = t.trim();
            if (!tag.isEmpty()) {
                tags.add(tag);
                codes.add(tag.hashCode());
            }
        }
        return new SubscriptionData(topic, expr, tags, codes, System.currentTimeMillis(), "TAG", false);
    }

    /** True when every tag matches. */
    public boolean matchesAll() {
        return SUB_ALL.equals(subString) || subString == null || subString.isBlank() || codeSet.isEmpty();
    }

    /** Whether a message with tags code {@code tagsCode} (a consume-queue entry's) is delivered to this subscription. */
    public boolean takes(long tagsCode) {
        return matchesAll() || codeSet.contains((int) tagsCode);
    }
}
