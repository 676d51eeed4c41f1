package dev.halfmoon.broker.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings an operator may change while the broker runs, as with RocketMQ's {@code mqadmin updateBrokerConfig}:
 * checked as at start, applied at once, shown by GET_BROKER_CONFIG, and written to the settings file the broker was
 * started with ({@code -c}) so that a restart keeps them. Any other key is refused, naming the ones that may change;
 * a refused update changes nothing. Thread-safe: one update at a time.
 */
public final class LiveSettings {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSettings.class);
    /** A properties line that assigns a key (group 1, or 2 for a key alone); comments and blank lines do not match. */
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([^#!\\s=:][^\\s=:]*)\\s*[=:\\s].*$|^\\s*([^#!\\s=:][^\\s=:]*)\\s*$");

    /** What may change while running; the rest is read once, at start. */
    public static final Set<String> KEYS = Set.of("maxMessageSize", "transactionTimeOut", "transactionCheckMax",
            "transactionCheckInterval", "fileReservedTime", "diskMaxUsedSpaceRatio");

    /** Told the checked settings after each update. */
    public interface Listener {
        void changed(MessagingConfig messaging, TransactionConfig transactions, dev.halfmoon.log.RetentionConfig retention);
    }

    private final Map<String, String> effective;
    private final SettingsOrigin origin;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** @param effective every setting's effective value, shared with whoever shows them; updated in place */
    public LiveSettings(Map<String, String> effective, SettingsOrigin origin) {
        this.effective = effective;
        this.origin = origin;
    }

    /** Every setting's effective value (passwords masked), as of now. */
    public Map<String, String> effective() {
        return java.util.Collections.unmodifiableMap(effective);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Applies {@code given} (key to new value, trimmed), all or none.
     *
     * @return what became of them, for the operator: saved to the settings file, or why not
     * @throws ConfigException naming a key that cannot change while running, or a bad value; nothing changed
     */
    public synchronized String update(Map<String, String> given) {
        Map<String, String> changes = new TreeMap<>();
        given.forEach((k, v) -> changes.put(k, v.trim()));
        if (changes.isEmpty()) {
            throw new ConfigException("no settings given");
        }
        Set<String> fixed = new TreeSet<>(changes.keySet());
        fixed.removeAll(KEYS);
        if (!fixed.isEmpty()) {
            Set<String> known = new TreeSet<>(fixed);
            known.retainAll(BrokerSettings.ALL.stream().map(Setting::key).toList());
            throw new ConfigException((known.isEmpty() ? "unknown setting(s) " + fixed
                    : String.join(", ", known) + " cannot change while the broker runs: set it in the broker's settings "
                    + "file (or --set KEY=VALUE) and restart") + "; these can: " + new TreeSet<>(KEYS));
        }
        Map<String, String> merged = new HashMap<>(effective);
        merged.putAll(changes);
        Settings s = new Settings(BrokerSettings.ALL, merged);
        MessagingConfig messaging = BrokerSettings.messaging(s);
        TransactionConfig transactions = BrokerSettings.transactions(s);
        dev.halfmoon.log.RetentionConfig retention = BrokerSettings.retention(s);
        String saved = save(changes);
        Map<String, String> before = new TreeMap<>();
        changes.keySet().forEach(k -> before.put(k, effective.get(k)));
        effective.putAll(changes);
        listeners.forEach(l -> l.changed(messaging, transactions, retention));
        LOG.info("settings changed while running: {} (were {}); {}", changes, before, saved);
        return saved;
    }

    /** Writes the changes into the settings file, if there is one; says what it did. */
    private String save(Map<String, String> changes) {
        Path file = origin.file();
        if (file == null) {
            return "not saved: the broker was started without a settings file (-c), so a restart goes back to "
                    + "the values it is started with";
        }
        try {
            rewrite(file, changes);
        } catch (IOException e) {
            throw new ConfigException("cannot save to " + file + " (nothing changed): " + e.getMessage());
        }
        Set<String> shadowed = new TreeSet<>(changes.keySet());
        shadowed.retainAll(origin.commandLine());
        return "saved to " + file + (shadowed.isEmpty() ? "" : "; but the command line's " + shadowed
                + " will override the file at the next start");
    }

    /**
     * Sets each key in a properties file (values trimmed already), keeping its other lines (comments too): the lines
     * assigning the key (with their continuation lines) are replaced by one {@code key=value} where the first was, a
     * key not yet there is appended.
     * If reading the result back would not give the new values (a key written with escapes elsewhere in the file), the
     * assignments are appended at the end, where they win. Replaced as {@link FileReplace} does
     * (all or nothing, the same permissions, through a symbolic link).
     */
    static void rewrite(Path file, Map<String, String> changes) throws IOException {
        Path target = FileReplace.target(file);
        List<String> out = replaced(Files.exists(target) ? Files.readAllLines(target, StandardCharsets.UTF_8) : List.of(),
                changes);
        Properties check = new Properties();
        check.load(new StringReader(String.join("\n", out)));
        changes.forEach((k, v) -> {
            if (!v.equals(check.getProperty(k))) {
                out.add(k + "=" + v);
            }
        });
        FileReplace.write(target, out);
    }

    /** The lines with each changed key's assignments replaced (see {@link #rewrite}), before the check. */
    private static List<String> replaced(List<String> lines, Map<String, String> changes) {
        List<String> out = new ArrayList<>(lines.size() + changes.size());
        Set<String> written = new TreeSet<>();
        boolean continued = false; // the line before ends in an unescaped backslash: this one is part of its value
        boolean dropping = false; // ... of an assignment being replaced
        for (String line : lines) {
            if (continued) {
                continued = endsWithContinuation(line);
                if (!dropping) {
                    out.add(line);
                }
                continue;
            }
            String key = assignedKey(line);
            continued = key != null && endsWithContinuation(line); // (comment lines never continue)
            dropping = key != null && changes.containsKey(key);
            if (!dropping) {
                out.add(line);
            } else if (written.add(key)) {
                out.add(key + "=" + changes.get(key));
            }
        }
        changes.forEach((k, v) -> {
            if (!written.contains(k)) {
                out.add(k + "=" + v);
            }
        });
        return out;
    }

    private static boolean endsWithContinuation(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The key a properties line assigns, or null for a comment or blank line. */
    private static String assignedKey(String line) {
        var m = ASSIGNMENT.matcher(line);
        if (!m.matches()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }
}
