package dev.halfmoon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** halfmoon-admin cluster settings / set: the brokers' settings, and changing the few that can change while running. */
@Timeout(60)
class ClusterSettingsTest extends LiveBrokerTest {
    @Test
    void settingsAreShownAndTheLiveOnesChangeOnEveryBroker() {
        Run shown = admin("-o", "json", "cluster", "settings", "transactionTimeOut", "flushDiskType");
        assertEquals(0, shown.code(), shown.err());
        assertEquals(List.of(Map.of("broker", "broker-a", "key", "transactionTimeOut", "value", "500"),
                Map.of("broker", "broker-a", "key", "flushDiskType", "value", "ASYNC_FLUSH")), shown.jsonList());

        Run set = admin("cluster", "set", "transactionCheckMax=4", "maxMessageSize=65536");
        assertEquals(0, set.code(), set.err());
        assertTrue(set.out().contains("broker-a") && set.out().contains("not saved"), set.out());
        Run after = admin("-o", "json", "cluster", "settings", "transactionCheckMax", "maxMessageSize");
        assertEquals(List.of(Map.of("broker", "broker-a", "key", "transactionCheckMax", "value", "4"),
                Map.of("broker", "broker-a", "key", "maxMessageSize", "value", "65536")), after.jsonList());
    }

    @Test
    void aKeyReadOnlyAtStartIsRefusedAndABadLineIsAUsageError() {
        Run refused = admin("cluster", "set", "flushDiskType=SYNC_FLUSH");
        assertEquals(ExitCodes.FAILED, refused.code(), refused.out());
        assertTrue(refused.err().contains("flushDiskType cannot change while the broker runs"), refused.err());
        Run bad = admin("cluster", "set", "transactionCheckMax");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("KEY=VALUE"), bad.err());
        Run unchanged = admin("-o", "json", "cluster", "settings", "flushDiskType");
        assertEquals("ASYNC_FLUSH", unchanged.jsonList().get(0).get("value"));
    }
}
