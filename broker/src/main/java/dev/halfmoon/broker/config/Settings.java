package dev.halfmoon.broker.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Values given for the settings of a catalogue (from a properties file, then {@code --set}
 * overrides), read with typed, range-checked getters. An unknown key is an error that lists it.
 * Not thread-safe; used once at start-up.
 */
public final class Settings {
    private final Map<String, Setting> catalogue = new LinkedHashMap<>();
    private final Map<String, String> values;

    /**
     * @throws ConfigException naming every key that is not in the catalogue
     */
    public Settings(Collection<Setting> catalogue, Map<String, String> values) {
        for (Setting s : catalogue) {
            this.catalogue.put(s.key(), s);
        }
        this.values = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        values.forEach((k, v) -> {
            String key = k.trim();
            if (!this.catalogue.containsKey(key)) {
                unknown.add(key);
            } else {
                this.values.put(key, v == null ? "" : v.trim());
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", new TreeSet<>(unknown))
                    + "; see conf/broker.conf or --help-settings for the keys Halfmoon knows");
        }
    }

    private Setting setting(String key) {
        Setting s = catalogue.get(key);
        if (s == null) {
            throw new IllegalStateException("setting " + key + " is read but not in the catalogue");
        }
        return s;
    }

    /** The value given, else the default (null when neither exists). */
    public String string(String key) {
        String v = values.get(key);
        return v != null ? v : setting(key).defaultValue();
    }

    /** True if a value was given for {@code key}. */
    public boolean given(String key) {
        return values.containsKey(key);
    }

    public int integer(String key, long min, long max) {
        return (int) number(key, min, Math.min(max, Integer.MAX_VALUE));
    }

    public long number(String key, long min, long max) {
        String v = string(key);
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key + " must be an integer, was '" + v + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(key + " must be " + min + ".." + max + ", was " + n);
        }
        return n;
    }

    public double decimal(String key, double min, double max) {
        String v = string(key);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key + " must be a number, was '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new ConfigException(key + " must be " + min + ".." + max + ", was " + d);
        }
        return d;
    }

    public boolean bool(String key) {
        String v = string(key);
        if ("true".equalsIgnoreCase(v)) {
            return true;
        }
        if ("false".equalsIgnoreCase(v)) {
            return false;
        }
        throw new ConfigException(key + " must be true or false, was '" + v + "'");
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String v = string(key);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name());
        }
        throw new ConfigException(key + " must be one of " + names + ", was '" + v + "'");
    }

    /** A non-empty string. */
    public String required(String key) {
        String v = string(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException(key + " must be set");
        }
        return v;
    }
}
