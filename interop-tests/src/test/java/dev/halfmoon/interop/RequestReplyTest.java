package dev.halfmoon.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocketMQ's request/reply through the official client: a requester's {@code request()} waits for the reply a
 * responder makes with {@code MessageUtil.createReplyMessage}, which the broker pushes to the requester.
 */
@Timeout(120)
class RequestReplyTest {
    @TempDir
    Path dir;

    @Test
    void aRequestGetsTheRepliesOfItsResponder() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start()) {
            Admin.createTopic(halfmoon, "PriceQuery", 2);
            DefaultMQProducer replier = Clients.producer(halfmoon.namesrv(), "PG-replier");
            DefaultMQPushConsumer responder = Clients.pushConsumer(halfmoon.namesrv(), "CG-responder");
            DefaultMQProducer requester = Clients.producer(halfmoon.namesrv(), "PG-requester");
            try {
                replier.start();
                responder.subscribe("PriceQuery", "*");
                responder.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                    for (MessageExt request : messages) {
                        try {
                            String sku = new String(request.getBody(), StandardCharsets.UTF_8);
                            Message reply = MessageUtil.createReplyMessage(request,
                                    ("price of " + sku + ": 1250").getBytes(StandardCharsets.UTF_8));
                            replier.send(reply);
                        } catch (Exception e) {
                            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                        }
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                responder.start();
                requester.start();
                for (String sku : new String[] {"coffee", "tea"}) {
                    // the callback form: 5.3.1's blocking request() returns at once, its send callback counting the
                    // reply's latch down (a client bug, whatever the broker); both versions call onSuccess once with
                    // null when the request is sent, then with the reply
                    CompletableFuture<Message> reply = new CompletableFuture<>();
                    requester.request(new Message("PriceQuery", sku.getBytes(StandardCharsets.UTF_8)), new RequestCallback() {
                        @Override
                        public void onSuccess(Message message) {
                            if (message != null) {
                                reply.complete(message);
                            }
                        }

                        @Override
                        public void onException(Throwable e) {
                            reply.completeExceptionally(e);
                        }
                    }, 15_000);
                    assertEquals("price of " + sku + ": 1250", new String(reply.get(30, TimeUnit.SECONDS).getBody(),
                            StandardCharsets.UTF_8));
                }
            } finally {
                requester.shutdown();
                responder.shutdown();
                replier.shutdown();
            }
        }
    }
}
