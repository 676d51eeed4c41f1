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
        try (RemotingClient client = new RemotingClient("test-admin")) {
            RemotingCommand response = client.invokeSync(halfmoon.brokerAddress(), RemotingCommand.request(
                    RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic", topic, "readQueueNums", Integer.toString(queues),
                            "writeQueueNums", Integer.toString(queues), "perm", "6"), null), 5000);
            if (response.code() != ResponseCode.SUCCESS) {
                throw new IllegalStateException("create topic failed: " + response.remark());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> client.invokeSync(halfmoon.namesrv(), RemotingCommand.request(
                    RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", topic), null), 3000).code() == ResponseCode.SUCCESS);
        }
    }
}
