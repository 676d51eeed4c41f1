package dev.halfmoon.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.log.meta.MetadataException;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class MetadataStoreTest {
    @TempDir
    Path dir;

    @Test
    void typedTablesKeepTheirValuesAcrossReopenAndStaySeparate() {
        try (MetadataStore meta = MetadataStore.open(dir)) {
            KvTable<String, String> topics = meta.table(MetadataTable.TOPICS, Codec.STRING, Codec.STRING);
            KvTable<String, Long> offsets = meta.table(MetadataTable.CONSUMER_OFFSETS, Codec.STRING, Codec.LONG);
            topics.put("orders", "queues=8");
            topics.put("payments", "queues=4");
            offsets.put("orders@g1:0", 42L);
            topics.delete("payments");
        }
        try (MetadataStore meta = MetadataStore.open(dir)) {
            KvTable<String, String> topics = meta.table(MetadataTable.TOPICS, Codec.STRING, Codec.STRING);
            KvTable<String, Long> offsets = meta.table(MetadataTable.CONSUMER_OFFSETS, Codec.STRING, Codec.LONG);
            assertEquals("queues=8", topics.get("orders"));
            assertNull(topics.get("payments"));
            assertNull(topics.get("orders@g1:0"));
            assertEquals(42L, offsets.get("orders@g1:0"));
            Map<String, Long> prefixed = new LinkedHashMap<>();
            offsets.put("orders@g1:1", 7L);
            offsets.put("ordersX@g1:0", 1L);
            offsets.forEachWithPrefix("orders@", prefixed::put);
            assertEquals(Map.of("orders@g1:0", 42L, "orders@g1:1", 7L), prefixed);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFailsClearly() {
        try (MetadataStore meta = MetadataStore.open(dir)) {
            MetadataException e = assertThrows(MetadataException.class, () -> MetadataStore.open(dir));
            assertEquals(true, e.getMessage().contains(dir.toString()));
        }
    }
}
