package dev.halfmoon.broker;

import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.remoting.body.DataVersion;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Named configurations (topics, subscription groups) kept in memory and in a metadata table, so
 * they survive restarts, with a data version that moves on every change and listeners told of
 * each change. Thread-safe; a write is persisted before it returns, and writes are serialised so that
 * the map and the table change together (a create racing a delete of one name must not leave the
 * broker serving what a restart would not load).
 *
 * @param <T> the configuration type
 */
public final class ConfigTable<T> {
    private final Map<String, T> entries = new ConcurrentHashMap<>();
    private final KvTable<String, T> table;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile DataVersion version;

    /** Loads every stored entry. */
    public ConfigTable(KvTable<String, T> table, Clock clock) {
        this.table = table;
        this.clock = clock;
        this.version = new DataVersion(clock.millis(), 0);
        table.forEach(entries::put);
    }

    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public Optional<T> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** Creates or replaces an entry; returns the previous one, or null. */
    public synchronized T put(String name, T value) {
        T previous = entries.put(name, value);
        if (!value.equals(previous)) {
            table.put(name, value);
            changed();
        }
        return previous;
    }

    /** The entry, created with {@code create} if absent (once, even under races). */
    public synchronized T ensure(String name, Function<String, T> create) {
        return ensure(name, create, true);
    }

    /**
     * Like {@link #ensure(String, Function)}; when not {@code durable} the creation is written
     * without waiting for the disk (for entries ensured again at every start).
     */
    public synchronized T ensure(String name, Function<String, T> create, boolean durable) {
        T existing = entries.get(name);
        if (existing != null) {
            return existing;
        }
        T created = create.apply(name);
        entries.put(name, created);
        if (durable) {
            table.put(name, created);
        } else {
            table.putUnsynced(name, created);
        }
        changed();
        return created;
    }

    /** Deletes an entry; returns it, or null. */
    public synchronized T delete(String name) {
        T removed = entries.remove(name);
        if (removed != null) {
            table.delete(name);
            changed();
        }
        return removed;
    }

    private void changed() {
        version = version.next(clock.millis());
        listeners.forEach(Runnable::run);
    }

    public int size() {
        return entries.size();
    }

    /** Every entry, sorted by name. */
    public Map<String, T> all() {
        return new TreeMap<>(entries);
    }

    public DataVersion version() {
        return version;
    }
}
