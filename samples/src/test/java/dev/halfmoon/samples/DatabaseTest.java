package dev.halfmoon.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's idempotent consumer: the pattern users copy, so it must tell a duplicate from a failure. */
class DatabaseTest {
    private final Database db = new Database("idempotent",
            "CREATE TABLE processed_events (event_id VARCHAR(8) PRIMARY KEY CHECK (event_id <> 'refused'))",
            "CREATE TABLE payments (order_id VARCHAR(8) PRIMARY KEY)");

    private void pay(java.sql.Connection c, String order) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO payments (order_id) VALUES (?)")) {
            s.setString(1, order);
            s.executeUpdate();
        }
    }

    @Test
    void anEventIsProcessedOnceAndItsRedeliveryChangesNothing() throws SQLException {
        assertTrue(db.once("ev-1", c -> pay(c, "A")));
        assertFalse(db.once("ev-1", c -> pay(c, "A-again")));
        assertEquals(Set.of("A"), db.ids("SELECT order_id FROM payments"));
    }

    @Test
    void aFailureOtherThanADuplicateIsNotTakenForOneAndTheEventIsNotMarkedProcessed() throws SQLException {
        // the event id does not fit its column: a data error, not "seen before"; the consumer must retry, not ack
        assertThrows(SQLException.class, () -> db.once("event-id-too-long", c -> pay(c, "B")));
        assertEquals(Set.of(), db.ids("SELECT order_id FROM payments"));
        assertEquals(Set.of(), db.ids("SELECT event_id FROM processed_events"));
    }

    @Test
    void anotherConstraintOfTheEventsTableIsNotTakenForADuplicate() throws SQLException {
        // a CHECK (or NOT NULL, or foreign key) failure is SQLState class 23 as a duplicate key is; the event is new
        assertThrows(SQLException.class, () -> db.once("refused", c -> pay(c, "C")));
        assertEquals(Set.of(), db.ids("SELECT order_id FROM payments"));
    }
}
