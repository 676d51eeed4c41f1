package dev.halfmoon.broker.acl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The rules of one ACL file in RocketMQ's {@code plain_acl.yml} format:
 * {@code globalWhiteRemoteAddresses} (addresses that need no account) and {@code accounts}
 * ({@code accessKey}, {@code secretKey}, {@code whiteRemoteAddress}, {@code admin},
 * {@code defaultTopicPerm}, {@code defaultGroupPerm}, {@code topicPerms} and {@code groupPerms} as
 * {@code name=PERM} lists). Permissions not given are DENY. Immutable.
 */
public record AclRules(List<AddressMatcher> globalWhiteRemoteAddresses, Map<String, AclAccount> accounts) {
    public AclRules {
        globalWhiteRemoteAddresses = List.copyOf(globalWhiteRemoteAddresses);
        accounts = Map.copyOf(accounts);
    }

    /**
     * Parses the file's text.
     *
     * @throws IllegalArgumentException naming the first thing that is wrong (the account, the key)
     */
    public static AclRules parse(String yaml) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        Map<String, Object> top = root == null ? Map.of() : map(root, "the file");
        List<AddressMatcher> global = new ArrayList<>();
        for (Object a : list(top.get("globalWhiteRemoteAddresses"), "globalWhiteRemoteAddresses")) {
            global.add(AddressMatcher.parse(String.valueOf(a)));
        }
        Map<String, AclAccount> accounts = new HashMap<>();
        int index = 0;
        for (Object a : list(top.get("accounts"), "accounts")) {
            index++;
            AclAccount account = account(map(a, "account #" + index), index);
            if (accounts.put(account.accessKey(), account) != null) {
                throw new IllegalArgumentException("accessKey " + account.accessKey() + " is defined twice");
            }
        }
        return new AclRules(global, accounts);
    }

    private static AclAccount account(Map<String, Object> a, int index) {
        String where = "account #" + index;
        String accessKey = key(a, "accessKey", where);
        where = "account " + accessKey;
        String secretKey = key(a, "secretKey", where);
        Object white = a.get("whiteRemoteAddress");
        return new AclAccount(accessKey, secretKey, AddressMatcher.parse(white == null ? null : String.valueOf(white)),
                Boolean.parseBoolean(String.valueOf(a.getOrDefault("admin", "false"))),
                perm(a.get("defaultTopicPerm"), where + " defaultTopicPerm"),
                perm(a.get("defaultGroupPerm"), where + " defaultGroupPerm"),
                perms(a.get("topicPerms"), where + " topicPerms"), perms(a.get("groupPerms"), where + " groupPerms"));
    }

    private static String key(Map<String, Object> a, String name, String where) {
        Object v = a.get(name);
        String s = v == null ? "" : String.valueOf(v).trim();
        if (s.length() <= 6) {
            throw new IllegalArgumentException(where + ": " + name + " must be longer than 6 characters");
        }
        return s;
    }

    private static byte perm(Object value, String where) {
        if (value == null) {
            return AclPerm.DENY;
        }
        try {
            return AclPerm.parse(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static Map<String, Byte> perms(Object value, String where) {
        Map<String, Byte> result = new HashMap<>();
        for (Object entry : list(value, where)) {
            String s = String.valueOf(entry);
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + ": '" + s + "' is not name=PERM");
            }
            result.put(s.substring(0, eq).trim(), perm(s.substring(eq + 1), where + " " + s.substring(0, eq).trim()));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(what + " must be a mapping of keys to values");
        }
        return (Map<String, Object>) o;
    }

    private static List<?> list(Object o, String what) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException(what + " must be a list");
        }
        return l;
    }
}
