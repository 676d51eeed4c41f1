package dev.halfmoon.testkit;

import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed in reverse order at its end (clients before the broker they use). */
public final class Closer implements AutoCloseable {
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Remembers {@code c} and returns it. */
    public synchronized <T extends AutoCloseable> T track(T c) {
        opened.add(c);
        return c;
    }

    /** Closes and forgets the first thing tracked (e.g. a consumer that should leave mid-test). */
    public synchronized void closeFirst() throws Exception {
        opened.remove(0).close();
    }

    @Override
    public synchronized void close() throws Exception {
        Exception first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }
}
