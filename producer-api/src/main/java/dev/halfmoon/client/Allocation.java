package dev.halfmoon.client;

import java.util.ArrayList;
import java.util.List;

/**
 * RocketMQ's average allocation of queues among a group's members (the same result as
 * {@code AllocateMessageQueueAveragely}, so Halfmoon and RocketMQ clients can share a group).
 * Stateless.
 */
final class Allocation {
    private Allocation() {
    }

    /** The queues {@code me} consumes, given every queue (sorted) and every member id (sorted). */
    static List<QueueRef> averagely(List<QueueRef> all, List<String> members, String me) {
        int index = members.indexOf(me);
        List<QueueRef> mine = new ArrayList<>();
        if (index < 0 || all.isEmpty()) {
            return mine;
        }
        int mod = all.size() % members.size();
        int average = all.size() <= members.size() ? 1
                : (mod > 0 && index < mod ? all.size() / members.size() + 1 : all.size() / members.size());
        int start = mod > 0 && index < mod ? index * average : index * average + mod;
        int range = Math.min(average, all.size() - start);
        for (int i = 0; i < range; i++) {
            mine.add(all.get((start + i) % all.size()));
        }
        return mine;
    }
}
