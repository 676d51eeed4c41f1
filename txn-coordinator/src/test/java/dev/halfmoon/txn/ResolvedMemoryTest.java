package dev.halfmoon.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The last resolved transactions are told apart by half offset and by id; older ones are forgotten. */
class ResolvedMemoryTest {
    private record Outcome(long offset, String id, TransactionState state) {
    }

    @Test
    void remembersTheLastOutcomesByOffsetAndByIdAndForgetsTheOldest() {
        ResolvedMemory memory = new ResolvedMemory(3);
        memory.remember(100, "A", TransactionState.COMMITTED);
        memory.remember(200, "B", TransactionState.ROLLED_BACK);
        assertEquals(Optional.of(TransactionState.COMMITTED), memory.byOffset(100));
        assertEquals(Optional.of(TransactionState.ROLLED_BACK), memory.byTransactionId("B"));
        assertEquals(Optional.empty(), memory.byOffset(300));
        assertEquals(Optional.empty(), memory.byTransactionId("C"));
        assertEquals(Optional.empty(), memory.byTransactionId(null));

        memory.remember(300, "C", TransactionState.GIVEN_UP);
        memory.remember(400, "D", TransactionState.COMMITTED); // A is the oldest: forgotten
        assertEquals(Optional.empty(), memory.byOffset(100));
        assertEquals(Optional.empty(), memory.byTransactionId("A"));
        assertEquals(Optional.of(TransactionState.GIVEN_UP), memory.byOffset(300));
    }

    @Test
    void aRetriedSendsTwoHalvesShareAnIdAndTheNewestOutcomeIsTold() {
        ResolvedMemory memory = new ResolvedMemory(4);
        memory.remember(100, "same-id", TransactionState.ROLLED_BACK);
        memory.remember(900, "same-id", TransactionState.COMMITTED);
        assertEquals(Optional.of(TransactionState.COMMITTED), memory.byTransactionId("same-id"));
        assertEquals(Optional.of(TransactionState.ROLLED_BACK), memory.byOffset(100));
        for (int i = 0; i < 2; i++) { // the first half goes; the id stays known through the second
            memory.remember(1000 + i, "other-" + i, TransactionState.COMMITTED);
        }
        memory.remember(2000, null, TransactionState.COMMITTED);
        assertEquals(Optional.empty(), memory.byOffset(100));
        assertEquals(Optional.of(TransactionState.COMMITTED), memory.byTransactionId("same-id"));
    }

    /**
     * Many outcomes with keys that repeat and collide in the table, against a plain list of the last ones: every
     * look-up agrees, across many wrap-arounds of the ring (which exercises removal from the probe chains).
     */
    @Test
    void agreesWithTheListOfTheLastOutcomesOverManyWrapArounds() {
        int capacity = 37;
        ResolvedMemory memory = new ResolvedMemory(capacity);
        Deque<Outcome> last = new ArrayDeque<>();
        Random random = new Random(42);
        TransactionState[] finals = {TransactionState.COMMITTED, TransactionState.ROLLED_BACK, TransactionState.GIVEN_UP};
        for (int step = 0; step < 20_000; step++) {
            long offset = random.nextInt(120) * 64L; // few distinct keys: repeats and long probe chains
            String id = random.nextInt(10) == 0 ? null : "tx-" + random.nextInt(150);
            TransactionState state = finals[random.nextInt(finals.length)];
            memory.remember(offset, id, state);
            last.addFirst(new Outcome(offset, id, state));
            if (last.size() > capacity) {
                last.removeLast();
            }
            long probeOffset = random.nextInt(120) * 64L;
            String probeId = "tx-" + random.nextInt(150);
            assertEquals(expectedByOffset(last, probeOffset), memory.byOffset(probeOffset), "offset at step " + step);
            assertEquals(expectedById(last, probeId), memory.byTransactionId(probeId), "id at step " + step);
        }
    }

    @Test
    void idsThatDifferInOneCharacterHashApart() {
        Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            hashes.add(ResolvedMemory.hash(String.format("7F00000100002A9F0000%012X", i)));
        }
        assertEquals(100_000, hashes.size());
        assertNotEquals(ResolvedMemory.hash("ab"), ResolvedMemory.hash("ba"));
        assertNotEquals(ResolvedMemory.hash("xAb"), ResolvedMemory.hash("xBC"), "String.hashCode's collisions are not ours");
        assertNotEquals(ResolvedMemory.hash("Aa"), ResolvedMemory.hash("BB"));
    }

    private static Optional<TransactionState> expectedByOffset(Deque<Outcome> last, long offset) {
        for (Outcome o : last) {
            if (o.offset() == offset) {
                return Optional.of(o.state());
            }
        }
        return Optional.empty();
    }

    private static Optional<TransactionState> expectedById(Deque<Outcome> last, String id) {
        for (Outcome o : last) {
            if (id.equals(o.id())) {
                return Optional.of(o.state());
            }
        }
        return Optional.empty();
    }
}
