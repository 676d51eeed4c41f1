package dev.halfmoon.checkback;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Deadlines of pending transactions, ordered by time: taking the due ones touches only those,
 * never the whole pending set. One deadline per transaction; rescheduling replaces it.
 * Thread-safe (one monitor).
 */
final class CheckSchedule {
    private final NavigableMap<Long, Set<Long>> byTime = new TreeMap<>();
    private final Map<Long, Long> dueOf = new HashMap<>();

    /** Sets the deadline of {@code halfOffset}. */
    synchronized void schedule(long halfOffset, long dueMs) {
        cancelLocked(halfOffset);
        byTime.computeIfAbsent(dueMs, t -> new TreeSet<>()).add(halfOffset);
        dueOf.put(halfOffset, dueMs);
    }

    synchronized void cancel(long halfOffset) {
        cancelLocked(halfOffset);
    }

    private void cancelLocked(long halfOffset) {
        Long due = dueOf.remove(halfOffset);
        if (due != null) {
            Set<Long> at = byTime.get(due);
            at.remove(halfOffset);
            if (at.isEmpty()) {
                byTime.remove(due);
            }
        }
    }

    /** Removes and returns up to {@code max} transactions due at {@code nowMs}, earliest first. */
    synchronized List<Long> takeDue(long nowMs, int max) {
        List<Long> due = new ArrayList<>();
        Iterator<Map.Entry<Long, Set<Long>>> it = byTime.headMap(nowMs, true).entrySet().iterator();
        while (it.hasNext() && due.size() < max) {
            Map.Entry<Long, Set<Long>> e = it.next();
            Iterator<Long> offsets = e.getValue().iterator();
            while (offsets.hasNext() && due.size() < max) {
                long offset = offsets.next();
                offsets.remove();
                dueOf.remove(offset);
                due.add(offset);
            }
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        return due;
    }

    /** The earliest deadline, or {@code Long.MAX_VALUE}. */
    synchronized long nextDue() {
        return byTime.isEmpty() ? Long.MAX_VALUE : byTime.firstKey();
    }

    synchronized int size() {
        return dueOf.size();
    }
}
