package dev.halfmoon.txn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of each producer group, topic, producer address and check target that pending transactions name: a
 * million pending transactions name a few of each, and each decoded from a record or a snapshot would otherwise hold
 * copies of its own. Bounded: at {@value #MAX} names it starts over (names still in use stay shared among the
 * transactions holding them). Thread-safe.
 */
final class SharedNames {
    static final int MAX = 10_000;
    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();

    private SharedNames() {
    }

    /** The shared copy of {@code name} (null stays null). */
    static String of(String name) {
        if (name == null) {
            return null;
        }
        String shared = NAMES.get(name);
        if (shared != null) {
            return shared;
        }
        if (NAMES.size() >= MAX) { // (producers' addresses change as they reconnect: start over rather than stop sharing)
            NAMES.clear();
        }
        shared = NAMES.putIfAbsent(name, name);
        return shared != null ? shared : name;
    }
}
