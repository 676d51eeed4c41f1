package dev.halfmoon.bench;

import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Creates benchmark topics over the wire (UPDATE_AND_CREATE_TOPIC works on Halfmoon and RocketMQ alike). */
public final class BenchTopics {
    private BenchTopics() {
    }

    /** Creates an 8-queue {@code topic} on {@code broker} and waits (up to 40 s) until {@code namesrv} routes it. */
    public static void create(String broker, String namesrv, String topic) {
        try (RemotingClient client = new RemotingClient("bench-admin")) {
            RemotingCommand r = client.invokeSync(broker, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC,
                    Map.of("topic", topic, "defaultTopic", "TBW102", "readQueueNums", "8", "writeQueueNums", "8", "perm", "6",
                    "topicFilterType", "SINGLE_TAG", "topicSysFlag", "0", "order", "false"), null), 5000);
            if (r.code() != ResponseCode.SUCCESS) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + r.remark());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (System.nanoTime() < deadline && client.invokeSync(namesrv, RemotingCommand.request(
                    RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", topic), null), 3000).code() != ResponseCode.SUCCESS) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
