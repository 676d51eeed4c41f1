package dev.halfmoon.txn;

import java.util.Optional;

/**
 * The outcomes of the last {@code capacity} resolved transactions, by half offset and by transaction id, so a late
 * second answer is told "already resolved" with its outcome. When full, the oldest is forgotten.
 *
 * <p>Kept in primitive arrays allocated once, not in a map of entries: at thousands of transactions a second, each
 * entry of a map lived through some twenty young collections before it was forgotten, and copying those entries
 * was most of every young pause (about 4 MB of survivors per collection in the ASYNC_FLUSH benchmark). A transaction
 * id is kept as a 64-bit hash of its characters, not as the string: two ids that differ could be taken for one
 * another, by chance with a probability of about {@code capacity / 2^64} per look-up (the hash is not cryptographic:
 * a client could craft such ids, which would only get a late answer for its own forgotten id told another's outcome).
 * Half offsets are kept exactly.
 *
 * <p>Not thread-safe: {@link PendingIndex} calls it under its monitor.
 */
final class ResolvedMemory {
    /** The ring, slot by slot: half offset, id hash, outcome's ordinal + 1 (0: an empty slot). */
    private final long[] offsets;
    private final long[] idHashes;
    private final byte[] states;
    private final SlotIndex byOffset;
    private final SlotIndex byId;
    private int next;

    ResolvedMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        offsets = new long[capacity];
        idHashes = new long[capacity];
        states = new byte[capacity];
        byOffset = new SlotIndex(offsets, capacity);
        byId = new SlotIndex(idHashes, capacity);
    }

    /** Remembers that the transaction with its half at {@code halfOffset} (and this id, if not null) ended as {@code state}. */
    void remember(long halfOffset, String transactionId, TransactionState state) {
        int slot = next;
        next = next + 1 == states.length ? 0 : next + 1;
        if (states[slot] != 0) { // the oldest goes
            byOffset.remove(slot);
            byId.remove(slot);
        }
        offsets[slot] = halfOffset;
        idHashes[slot] = transactionId == null ? 0 : hash(transactionId);
        states[slot] = (byte) (state.ordinal() + 1);
        byOffset.add(slot);
        if (transactionId != null) {
            byId.add(slot);
        }
    }

    /** The outcome remembered for this half offset, if any. */
    Optional<TransactionState> byOffset(long halfOffset) {
        return state(byOffset.find(halfOffset));
    }

    /** The outcome remembered for this transaction id, if any. */
    Optional<TransactionState> byTransactionId(String transactionId) {
        return transactionId == null ? Optional.empty() : state(byId.find(hash(transactionId)));
    }

    private Optional<TransactionState> state(int slot) {
        return slot < 0 ? Optional.empty() : Optional.of(TransactionState.values()[states[slot] - 1]);
    }

    /**
     * A 64-bit hash of the characters: each one multiplied in and folded back (not a plain polynomial, whose
     * collisions are as easy to find as {@code String.hashCode}'s, such as "Aa" and "BB"), then mixed.
     */
    static long hash(String s) {
        long h = 0x243F6A8885A308D3L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        return mix(h ^ s.length());
    }

    /** MurmurHash3's finaliser: every bit of the key moves about half of the result's. */
    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        return k ^ (k >>> 33);
    }

    /**
     * An open-addressing table (linear probing) from a key to the ring slot holding it; the keys are read from the
     * ring's array, so the table holds only slot numbers. A key added again points to its newest slot.
     */
    private static final class SlotIndex {
        private final long[] keys;
        /** Ring slot + 1 at each position; 0 is empty. */
        private final int[] table;
        private final int mask;

        SlotIndex(long[] keys, int capacity) {
            this.keys = keys;
            int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2; // at most half full
            table = new int[size];
            mask = size - 1;
        }

        private int home(long key) {
            return (int) mix(key) & mask;
        }

        void add(int slot) {
            long key = keys[slot];
            int i = home(key);
            while (table[i] != 0 && keys[table[i] - 1] != key) {
                i = (i + 1) & mask;
            }
            table[i] = slot + 1; // (an older slot with the same key is no longer found; its removal finds nothing)
        }

        int find(long key) {
            for (int i = home(key); table[i] != 0; i = (i + 1) & mask) {
                if (keys[table[i] - 1] == key) {
                    return table[i] - 1;
                }
            }
            return -1;
        }

        /** Removes the entry pointing to {@code slot}, if there is one, closing the gap it leaves. */
        void remove(int slot) {
            int i = home(keys[slot]);
            while (table[i] != 0 && table[i] != slot + 1) {
                i = (i + 1) & mask;
            }
            if (table[i] == 0) {
                return;
            }
            for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
                int h = home(keys[table[j] - 1]);
                // the entry at j may move back to the gap at i unless its home lies cyclically in (i, j]
                boolean stays = i < j ? (h > i && h <= j) : (h > i || h <= j);
                if (!stays) {
                    table[i] = table[j];
                    i = j;
                }
            }
            table[i] = 0;
        }
    }
}
