package dev.halfmoon.remoting;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A command's custom header fields ({@code extFields}): a dozen or so names and values, kept in two arrays and found by
 * a linear scan, where a {@code HashMap} would allocate a table and a node per field for every request and response
 * (the header maps were about a tenth of the broker's allocation under load). Field names decoded by Jackson and the
 * literals processors look up are interned, so most comparisons are by identity.
 *
 * <p>Unmodifiable once handed to a {@link RemotingCommand}: {@link #add} is for building, in this package; the
 * {@code Map} methods that would change it throw. Null values are not kept (the encoders leave them out anyway).
 */
final class ExtFields extends AbstractMap<String, String> {
    static final ExtFields EMPTY = new ExtFields(0);
    /**
     * The most fields a command may carry: RocketMQ's headers have at most a few dozen, and each field added is
     * compared with those before it, so a header of many thousands (a frame may be 16 MiB) would hold a network thread
     * for seconds before any access check.
     */
    static final int MAX_FIELDS = 256;

    private String[] keys;
    private String[] values;
    private int size;

    ExtFields(int capacity) {
        keys = new String[capacity];
        values = new String[capacity];
    }

    /** A copy of {@code fields} (null: none) with room for {@code extra} more. */
    static ExtFields copyOf(Map<String, String> fields, int extra) {
        ExtFields copy = new ExtFields((fields == null ? 0 : fields.size()) + extra);
        if (fields != null) {
            fields.forEach(copy::add);
        }
        return copy;
    }

    /**
     * Adds a field or replaces its value (building only); a null value (or key) is left out.
     *
     * @throws RemotingDecodeException if it would be field {@value #MAX_FIELDS} + 1
     */
    void add(String key, String value) {
        if (key == null || value == null) {
            return;
        }
        int at = indexOf(key);
        if (at >= 0) {
            values[at] = value;
            return;
        }
        if (size == MAX_FIELDS) {
            throw new RemotingDecodeException("a header may have at most " + MAX_FIELDS + " fields");
        }
        if (size == keys.length) {
            int capacity = Math.max(8, size * 2);
            keys = Arrays.copyOf(keys, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        keys[size] = key;
        values[size++] = value;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** The name of the {@code i}th field (0 &le; i &lt; size), in the order added. */
    String keyAt(int i) {
        return keys[i];
    }

    String valueAt(int i) {
        return values[i];
    }

    @Override
    public String get(Object key) {
        int at = indexOf(key);
        return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
