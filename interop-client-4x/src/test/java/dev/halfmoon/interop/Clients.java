package dev.halfmoon.interop;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/** Official clients configured for fast tests: short route, heartbeat and offset-commit periods. */
final class Clients {
    private static final AtomicInteger INSTANCE = new AtomicInteger();

    private Clients() {
    }

    static String instance() {
        return "i" + ProcessHandle.current().pid() + "-" + INSTANCE.incrementAndGet();
    }

    static DefaultMQProducer producer(String namesrv, String group) {
        DefaultMQProducer p = new DefaultMQProducer(group);
        configure(p, namesrv);
        p.setSendMsgTimeout(5000);
        return p;
    }

    static TransactionMQProducer transactionProducer(String namesrv, String group) {
        TransactionMQProducer p = new TransactionMQProducer(group);
        configure(p, namesrv);
        p.setSendMsgTimeout(5000);
        return p;
    }

    static DefaultMQPushConsumer pushConsumer(String namesrv, String group) {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        configure(c, namesrv);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setPersistConsumerOffsetInterval(500);
        c.setPullTimeDelayMillsWhenException(200);
        return c;
    }

    static DefaultLitePullConsumer litePullConsumer(String namesrv, String group) {
        DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
        configure(c, namesrv);
        c.setAutoCommitIntervalMillis(1000);
        c.setPersistConsumerOffsetInterval(500);
        return c;
    }

    static void broadcasting(DefaultMQPushConsumer c) {
        c.setMessageModel(org.apache.rocketmq.common.protocol.heartbeat.MessageModel.BROADCASTING);
    }

    private static void configure(org.apache.rocketmq.client.ClientConfig c, String namesrv) {
        c.setNamesrvAddr(namesrv);
        c.setInstanceName(instance());
        c.setPollNameServerInterval(500);
        c.setHeartbeatBrokerInterval(1000);
    }
}
