package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Brokers for tests: on 127.0.0.1, a free port, 1 MiB segments, no HTTP, a name server that never answers. */
public final class TestBrokers {
    private TestBrokers() {
    }

    /** Starts a broker storing in {@code dir}; {@code settings} (key, value, key, value...) override the above. */
    public static Broker start(Path dir, String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("brokerIP1", "127.0.0.1", "bindAddress", "127.0.0.1",
                "listenPort", "0", "storePathRootDir", dir.toString(), "namesrvAddr", "127.0.0.1:9", "httpEnable", "false",
                "mappedFileSizeCommitLog", Integer.toString(1 << 20)));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return Broker.start(BrokerSettings.load(values), Clock.systemUTC());
    }
}
