package dev.halfmoon.broker.acl;

import dev.halfmoon.broker.config.FileReplace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Changes the ACL file as RocketMQ's {@code mqadmin updateAclConfig}, {@code deleteAclConfig} and
 * {@code updateGlobalWhiteAddr} do: an account added or changed (the fields given replace the file's, the others stay),
 * an account removed, the global white list replaced; each change counts up the file's {@code dataVersion}, as RocketMQ
 * writes it. A change that would make the file's rules invalid is refused and the file is left as it was; an accepted
 * one is written all or nothing ({@link FileReplace}) and is in force when the call returns. The account that signed a
 * change must still be an admin after it, and a missing or emptied file is not edited (it would become a file of the
 * change alone): nobody is locked out. The file is written anew, so comments in it are not kept (as with RocketMQ).
 * Thread-safe: one change at a time.
 */
public final class AclFileEditor {
    private static final Logger LOG = LoggerFactory.getLogger(AclFileEditor.class);
    private static final String ACCOUNTS = "accounts";
    private static final String WHITE = "globalWhiteRemoteAddresses";
    private static final String VERSION = "dataVersion";

    private final Path file;
    private final AccessControl acl;

    public AclFileEditor(Path file, AccessControl acl) {
        this.file = file;
        this.acl = acl;
    }

    /**
     * An account's fields as an update gives them; null leaves the file's value ({@code admin} is always given, as in
     * RocketMQ's request).
     *
     * @param topicPerms {@code name=PERM} entries, comma-separated; null keeps the account's, blank clears them
     */
    public record AccountChange(String accessKey, String secretKey, String whiteRemoteAddress, boolean admin,
                                String defaultTopicPerm, String defaultGroupPerm, String topicPerms, String groupPerms) {
    }

    /**
     * Who asks for a change: the account that signed the request (null when it came unsigned from a white-listed
     * address) and where it came from, for the log.
     */
    public record Who(String accessKey, String address) {
        @Override
        public String toString() {
            return (accessKey == null ? "an unsigned request" : "accessKey " + accessKey) + " from " + address;
        }
    }

    /** The file this editor changes. */
    public Path file() {
        return file;
    }

    /**
     * Adds the account, or changes the one with its access key.
     *
     * @throws IllegalArgumentException what is wrong with the change (nothing was written)
     * @throws IOException              if the file could not be read or written (nothing changed)
     */
    public synchronized void upsert(AccountChange c, Who who) throws IOException {
        if (c.accessKey() == null || c.accessKey().trim().length() <= 6 || c.secretKey() == null
                || c.secretKey().trim().length() <= 6) {
            throw new IllegalArgumentException("the accessKey and secretKey must both be given, each longer than 6 characters");
        }
        Map<String, Object> doc = read();
        List<Object> accounts = accounts(doc);
        Map<String, Object> account = find(accounts, c.accessKey().trim());
        boolean added = account == null;
        if (added) {
            account = new LinkedHashMap<>();
            account.put("accessKey", c.accessKey().trim());
            accounts.add(account);
        }
        account.put("secretKey", c.secretKey().trim());
        if (c.whiteRemoteAddress() != null) {
            account.put("whiteRemoteAddress", c.whiteRemoteAddress().trim());
        }
        account.put("admin", c.admin());
        putIfGiven(account, "defaultTopicPerm", c.defaultTopicPerm());
        putIfGiven(account, "defaultGroupPerm", c.defaultGroupPerm());
        if (c.topicPerms() != null) {
            account.put("topicPerms", entries(c.topicPerms()));
        }
        if (c.groupPerms() != null) {
            account.put("groupPerms", entries(c.groupPerms()));
        }
        write(doc, who);
        LOG.info("ACL account {} {} in {} by {}", c.accessKey().trim(), added ? "added" : "changed", file, who);
    }

    /**
     * Removes the account with {@code accessKey}.
     *
     * @return false if the file has no such account (nothing was written)
     */
    public synchronized boolean delete(String accessKey, Who who) throws IOException {
        Map<String, Object> doc = read();
        List<Object> accounts = accounts(doc);
        Map<String, Object> account = find(accounts, accessKey == null ? "" : accessKey.trim());
        if (account == null) {
            return false;
        }
        accounts.remove(account);
        write(doc, who);
        LOG.info("ACL account {} deleted from {} by {}", accessKey.trim(), file, who);
        return true;
    }

    /** Replaces the addresses that need no account ({@code globalWhiteRemoteAddresses}); blank entries are dropped. */
    public synchronized void globalWhiteAddresses(String commaSeparated, Who who) throws IOException {
        Map<String, Object> doc = read();
        doc.put(WHITE, entries(commaSeparated == null ? "" : commaSeparated));
        write(doc, who);
        LOG.info("ACL global white addresses in {} set to {} by {}", file, doc.get(WHITE), who);
    }

    /** The file's {@code dataVersion} (counter, timestamp), as RocketMQ's DataVersion; counter 0 and the file's time if none. */
    public synchronized Map<String, Long> version() throws IOException {
        Object v = read().get(VERSION);
        if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> m) {
            return Map.of("counter", number(m.get("counter")), "timestamp", number(m.get("timestamp")));
        }
        return Map.of("counter", 0L, "timestamp", Files.getLastModifiedTime(file).toMillis());
    }

    private Map<String, Object> read() throws IOException {
        // the rules in force came from this file: an edit of a missing or emptied one (a copy half done, a file moved
        // aside) would write a file of the change alone and lock everyone else out
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("the ACL file " + file + " is missing; restore it first");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new IllegalArgumentException("the ACL file " + file + " is empty; restore it first");
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("the ACL file " + file + " is not valid YAML ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); correct it by hand first");
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the ACL file " + file + " is not a mapping of keys to values; correct it by"
                    + " hand first");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) m);
        return doc;
    }

    /**
     * Counts up the version, checks the rules the document makes (the account that signed the change must still be an
     * admin: nobody locks themselves out), writes it and puts it in force.
     */
    private void write(Map<String, Object> doc, Who who) throws IOException {
        Map<String, Object> version = new LinkedHashMap<>();
        Object old = doc.get(VERSION);
        long counter = old instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> m ? number(m.get("counter")) : 0;
        version.put("counter", counter + 1);
        version.put("timestamp", System.currentTimeMillis());
        doc.put(VERSION, List.of(version));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true); // ("  - accessKey: ..." under "accounts:", as the files are written by hand)
        String text = new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options).dump(doc);
        AclRules rules = AclRules.parse(text); // (IllegalArgumentException naming the account and key: nothing written)
        if (who.accessKey() != null) {
            AclAccount signer = rules.accounts().get(who.accessKey());
            if (signer == null || !signer.admin()) {
                throw new IllegalArgumentException("accessKey " + who.accessKey() + " signed this change, after which it "
                        + "would no longer be an admin account: an account cannot delete itself or take away its own "
                        + "admin right (use another admin account)");
            }
        }
        FileReplace.write(file, Arrays.asList(text.split("\n")));
        acl.reloadIfChanged();
    }

    private List<Object> accounts(Map<String, Object> doc) {
        Object a = doc.get(ACCOUNTS);
        if (a != null && !(a instanceof List)) {
            throw new IllegalArgumentException("the ACL file's accounts is not a list; correct it by hand first");
        }
        @SuppressWarnings("unchecked")
        List<Object> accounts = a == null ? new ArrayList<>() : new ArrayList<>((List<Object>) a);
        doc.put(ACCOUNTS, accounts);
        return accounts;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> find(List<Object> accounts, String accessKey) {
        for (int i = 0; i < accounts.size(); i++) {
            if (accounts.get(i) instanceof Map<?, ?> m && accessKey.equals(String.valueOf(m.get("accessKey")).trim())) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
                accounts.set(i, copy);
                return copy;
            }
        }
        return null;
    }

    private static void putIfGiven(Map<String, Object> account, String key, String value) {
        if (value != null && !value.isBlank()) {
            account.put(key, value.trim());
        }
    }

    private static List<String> entries(String commaSeparated) {
        List<String> out = new ArrayList<>();
        for (String s : commaSeparated.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static long number(Object o) {
        try {
            return o == null ? 0 : Long.parseLong(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
