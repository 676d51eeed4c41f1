package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The name server's key-value configuration (mqadmin updateKvConfig, updateOrderConf): values by namespace and key,
 * kept in a file as RocketMQ keeps {@code kvConfig.json} ({@code {"configTable":{namespace:{key:value}}}}), written
 * whole to a temporary file and renamed over it at each change, so a crash leaves the old file or the new one. With
 * no file, in memory only. Thread-safe.
 */
final class KvConfig {
    /** The file's shape. */
    private record Stored(Map<String, Map<String, String>> configTable) {
    }

    private final Path file;
    private final Map<String, Map<String, String>> table = new TreeMap<>();

    private KvConfig(Path file) {
        this.file = file;
    }

    /**
     * Loads {@code file} (null: in memory only).
     *
     * @throws IllegalStateException if the file exists but cannot be read as a KV table (start-up stops rather than
     *                               overwrite what an operator stored)
     */
    static KvConfig open(Path file) {
        KvConfig kv = new KvConfig(file);
        if (file != null && Files.exists(file)) {
            try {
                Stored stored = Json.decode(Files.readAllBytes(file), Stored.class);
                if (stored.configTable() != null) {
                    stored.configTable().forEach((ns, values) -> kv.table.put(ns, new TreeMap<>(values)));
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the KV config " + file + ": " + e.getMessage()
                        + " (fix or move the file)", e);
            }
        }
        return kv;
    }

    synchronized void put(String namespace, String key, String value) {
        change(t -> t.computeIfAbsent(namespace, n -> new TreeMap<>()).put(key, value));
    }

    synchronized Optional<String> get(String namespace, String key) {
        return Optional.ofNullable(table.getOrDefault(namespace, Map.of()).get(key));
    }

    synchronized void delete(String namespace, String key) {
        if (table.getOrDefault(namespace, Map.of()).containsKey(key)) {
            change(t -> {
                t.get(namespace).remove(key);
                t.values().removeIf(Map::isEmpty);
            });
        }
    }

    /** The values of {@code namespace}, empty if it has none. */
    synchronized Map<String, String> list(String namespace) {
        return new TreeMap<>(table.getOrDefault(namespace, Map.of()));
    }

    /**
     * Applies {@code edit} to a copy, writes the copy, then keeps it: a change the file could not take is not kept.
     *
     * @throws UncheckedIOException if the file cannot be written (nothing changed)
     */
    private void change(java.util.function.Consumer<Map<String, Map<String, String>>> edit) {
        Map<String, Map<String, String>> next = new TreeMap<>();
        table.forEach((ns, values) -> next.put(ns, new TreeMap<>(values)));
        edit.accept(next);
        if (file != null) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                // (a name of its own: two name servers on one host may share the file, as RocketMQ's default path does)
                Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
                Files.write(temp, Json.encode(new Stored(next)));
                try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(temp,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    c.force(true); // (on disk before it replaces the old file)
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the KV config " + file + ": " + e.getMessage(), e);
            }
        }
        table.clear();
        table.putAll(next);
    }
}
