package dev.halfmoon.log;

import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import java.util.ArrayList;
import java.util.List;

/** The keys a record is found by in the message index: its unique id and each word of its KEYS. Stateless. */
final class IndexKeys {
    private IndexKeys() {
    }

    /** The keys of a record whose properties string is {@code properties}, in no particular order. */
    static List<String> of(String properties) {
        List<String> keys = new ArrayList<>(2);
        String uniq = MessageProperties.find(properties, MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (uniq != null) {
            keys.add(uniq);
        }
        String words = MessageProperties.find(properties, MessageProperty.KEYS);
        if (words != null) {
            for (String key : words.split(MessageProperty.KEY_SEPARATOR)) {
                if (!key.isEmpty()) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }
}
