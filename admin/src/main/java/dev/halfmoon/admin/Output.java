package dev.halfmoon.admin;

import dev.halfmoon.remoting.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints results as aligned tables for people or JSON for scripts ({@code --output json}). In
 * JSON every command prints exactly one document on standard output; messages for people go to
 * standard error.
 */
public final class Output {
    /** The two formats. */
    public enum Format { TABLE, JSON }

    private final PrintStream out;
    private final Format format;

    Output(PrintStream out, Format format) {
        this.out = out;
        this.format = format;
    }

    boolean json() {
        return format == Format.JSON;
    }

    /** The outcome of a change: {@code message} as a line for people, {@code {key: name, "result": message}} for scripts. */
    void result(String key, String name, String message) {
        if (json()) {
            print(Map.of(key, name, "result", message));
        } else {
            line(message);
        }
    }

    /** Rows under {@code columns} (keys of each row), or a JSON array of the rows. */
    void table(List<String> columns, List<Map<String, Object>> rows) {
        if (json()) {
            print(rows);
            return;
        }
        printTable(columns, rows);
    }

    /** One object: {@code key  value} lines, or a JSON object. */
    void object(Map<String, Object> value) {
        if (json()) {
            print(value);
            return;
        }
        int width = value.keySet().stream().mapToInt(String::length).max().orElse(0);
        value.forEach((k, v) -> out.println(pad(k, width) + "  " + text(v)));
    }

    /** Any JSON document (only in JSON mode). */
    void print(Object value) {
        out.println(new String(Json.encode(value), StandardCharsets.UTF_8));
    }

    /** A table in table mode regardless of format (for sections of a larger table-mode answer). */
    void printTable(List<String> columns, List<Map<String, Object>> rows) {
        int[] widths = new int[columns.size()];
        List<String[]> cells = new ArrayList<>();
        String[] header = columns.stream().map(c -> c.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase()).toArray(String[]::new);
        cells.add(header);
        for (Map<String, Object> row : rows) {
            cells.add(columns.stream().map(c -> text(row.get(c))).toArray(String[]::new));
        }
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                b.append(i == line.length - 1 ? line[i] : pad(line[i], widths[i]) + "  ");
            }
            out.println(b.toString().stripTrailing());
        }
    }

    void line(String text) {
        out.println(text);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String text(Object v) {
        return v == null ? "-" : String.valueOf(v);
    }

    /** A row with ordered columns. */
    static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    /** {@code 3 min 20 s} style. */
    static String age(long ms) {
        long s = Math.max(0, ms) / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
