package dev.halfmoon.testkit;

import static org.awaitility.Awaitility.await;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.time.Duration;
import java.util.Map;

/** Topic administration over the wire (UPDATE_AND_CREATE_TOPIC), then waits until the name server routes it. */
public final class Admin {
    private Admin() {
    }

    public static void createTopic(HalfmoonFixture halfmoon, String topic, int queues) {
        createTopic(halfmoon.brokerAddress(), halfmoon.namesrv(), topic, queues);
    }

    /** Creates {@code topic} on the broker at {@code broker} and waits until {@code namesrv} routes it. */
    public static void createTopic(String broker, String namesrv, String topic, int queues) {
        createTopic(broker, namesrv, topic, queues, null, null);
    }

    /** The same, signed with an (admin) account's ACL keys when {@code accessKey} is not null. */
    public static void createTopic(String broker, String namesrv, String topic, int queues, String accessKey, String secretKey) {
        try (RemotingClient client = new RemotingClient("test-admin")) {
            if (accessKey != null) {
                client.withCredentials(accessKey, secretKey);
            }
            RemotingCommand response = client.invokeSync(broker, RemotingCommand.request(
                    RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", topic, "readQueueNums", Integer.toString(queues),
                            "writeQueueNums", Integer.toString(queues), "perm", "6"), null), 5000);
            if (response.code() != ResponseCode.SUCCESS) {
                throw new IllegalStateException("create topic failed: " + response.remark());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> client.invokeSync(namesrv, RemotingCommand.request(
                    RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", topic), null), 3000).code() == ResponseCode.SUCCESS);
        }
    }

    /**
     * Transaction ids of every pending transaction on the broker at {@code broker} (HM_LIST_PENDING_TRANSACTIONS, page by
     * page). (Two halves of one message, a retried send, share an id and are one here.)
     */
    @SuppressWarnings("unchecked")
    public static java.util.Set<String> pendingTransactionIds(String broker) {
        try (RemotingClient client = new RemotingClient("test-admin")) {
            java.util.Set<String> ids = new java.util.TreeSet<>();
            int seen = 0;
            for (int pages = 0; pages < 10_000; pages++) {
                RemotingCommand response = client.invokeSync(broker, RemotingCommand.request(
                        RequestCode.HM_LIST_PENDING_TRANSACTIONS, Map.of("limit", "10000", "offset", Integer.toString(seen)),
                        null), 5000);
                if (response.code() != ResponseCode.SUCCESS) {
                    throw new IllegalStateException("list pending transactions failed: " + response.remark());
                }
                Map<String, Object> page = dev.halfmoon.remoting.Json.decode(response.body(), Map.class);
                java.util.List<Object> transactions = (java.util.List<Object>) page.get("transactions");
                for (Object t : transactions) {
                    ids.add((String) ((Map<String, Object>) t).get("transactionId"));
                }
                seen += transactions.size();
                if (transactions.isEmpty() || seen >= ((Number) page.get("total")).intValue()) {
                    return ids;
                }
            }
            throw new IllegalStateException("more than 10 000 pages of pending transactions");
        }
    }
}
