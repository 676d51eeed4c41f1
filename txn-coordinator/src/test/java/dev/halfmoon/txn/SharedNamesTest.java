package dev.halfmoon.txn;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** One copy of each name pending transactions hold, also after more names than it keeps have come and gone. */
class SharedNamesTest {
    @Test
    void equalNamesShareOneCopyAlsoAfterManyOthers() {
        String first = SharedNames.of(new String("orders-group"));
        assertSame(first, SharedNames.of(new String("orders-group")));
        for (int i = 0; i < SharedNames.MAX * 2; i++) { // producers reconnecting: a new address each time
            SharedNames.of("127.0.0.1:" + i);
        }
        String later = SharedNames.of(new String("payments-group"));
        assertSame(later, SharedNames.of(new String("payments-group")), "still sharing once the map was full");
        assertNull(SharedNames.of(null));
    }
}
