package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.admin.ConsumeStats;
import org.apache.rocketmq.common.admin.OffsetWrapper;
import org.apache.rocketmq.common.admin.TopicStatsTable;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.body.ConsumerConnection;
import org.apache.rocketmq.common.protocol.body.TopicList;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** RocketMQ's own admin tooling (rocketmq-tools 4.9.8 DefaultMQAdminExt, what mqadmin runs) against Halfmoon. */
@Timeout(120)
class AdminToolTest {
    @TempDir
    Path dir;

    @Test
    void theOfficialAdminToolCreatesListsRoutesAndShowsProgress() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start()) {
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            try {
                TopicConfig topic = new TopicConfig("Audited", 3, 3, 6);
                admin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), topic);
                await().atMost(Duration.ofSeconds(10)).until(() -> admin.fetchAllTopicList().getTopicList().contains("Audited"));
                TopicList all = admin.fetchAllTopicList();
                assertTrue(all.getTopicList().contains("Audited"));

                TopicRouteData route = admin.examineTopicRouteInfo("Audited");
                assertEquals(3, route.getQueueDatas().get(0).getWriteQueueNums());
                assertEquals(halfmoon.brokerAddress(), route.getBrokerDatas().get(0).getBrokerAddrs().get(0L));

                ClusterInfo cluster = admin.examineBrokerClusterInfo();
                assertTrue(cluster.getClusterAddrTable().get("DefaultCluster").contains("broker-a"));
                assertEquals(halfmoon.brokerAddress(), cluster.getBrokerAddrTable().get("broker-a").getBrokerAddrs().get(0L));
                // mqadmin topicStatus -c DefaultCluster (and other tools) find the cluster's brokers by its topic
                TopicRouteData byCluster = admin.examineTopicRouteInfo("DefaultCluster");
                assertEquals(halfmoon.brokerAddress(), byCluster.getBrokerDatas().get(0).getBrokerAddrs().get(0L));

                DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-audit");
                producer.start();
                for (int i = 0; i < 30; i++) {
                    producer.send(new Message("Audited", ("a-" + i).getBytes()));
                }
                producer.shutdown();
                // queue offsets count what is dispatched to the consume queues, a moment after the sends return
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    TopicStatsTable stats = admin.examineTopicStats("Audited");
                    return stats.getOffsetTable().values().stream().mapToLong(o -> o.getMaxOffset()).sum() == 30;
                });

                DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-audit");
                consumer.subscribe("Audited", "*");
                int[] consumed = {0};
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    synchronized (consumed) {
                        consumed[0] += msgs.size();
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                consumer.start();
                try {
                    // the client commits a queue's offset on its next pull or, for a queue whose last pull is held
                    // waiting, by its periodic commit, which first runs 10 s after the client starts (4.9.8)
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        ConsumeStats progress = admin.examineConsumeStats("CG-audit");
                        StringBuilder seen = new StringBuilder("consumed " + consumed[0] + "; queue broker/consumer offsets:");
                        long broker = 0;
                        long lag = 0;
                        for (Map.Entry<MessageQueue, OffsetWrapper> e : progress.getOffsetTable().entrySet()) {
                            if (e.getKey().getTopic().equals("Audited")) {
                                OffsetWrapper o = e.getValue();
                                broker += o.getBrokerOffset();
                                lag += o.getBrokerOffset() - o.getConsumerOffset();
                                seen.append(' ').append(e.getKey().getQueueId()).append(':').append(o.getBrokerOffset())
                                        .append('/').append(o.getConsumerOffset());
                            }
                        }
                        assertTrue(broker == 30 && lag == 0, seen.toString());
                    });
                    ConsumerConnection connection = admin.examineConsumerConnectionInfo("CG-audit");
                    assertEquals(1, connection.getConnectionSet().size());
                    assertTrue(connection.getSubscriptionTable().containsKey("Audited"));

                    admin.resetOffsetByTimestamp("Audited", "CG-audit", 0, true);
                    // the 4.9.8 client waits 10 s after a reset, then its queues come back at its next rebalance (every
                    // 20 s): up to 30 s before it pulls again
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertTrue(consumed[0] >= 60,
                            "consumed " + consumed[0] + " of 30 + 30"));
                } finally {
                    consumer.shutdown();
                }
            } finally {
                admin.shutdown();
            }
        }
    }

    /**
     * What mqadmin clusterList, queryMsgById (who consumed it), producerConnection and deleteSubGroup -r read: rates and
     * totals in the runtime info (clusterList printed a NullPointerException per broker without putTps), the groups of
     * a topic, a producer group's connections, and a group's offsets gone with it.
     */
    @Test
    void theOfficialAdminToolSeesRatesConsumersProducersAndDeletesAGroupWithItsOffsets() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("flushDiskType", "SYNC_FLUSH")
                .set("tls.server.keyPassword", "hush").start()) {
            dev.halfmoon.testkit.Admin.createTopic(halfmoon, "Watched", 1);
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-watched");
            producer.start();
            DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-watched");
            consumer.subscribe("Watched", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            consumer.start();
            try {
                String lastOffsetMsgId = null;
                for (int i = 0; i < 20; i++) {
                    lastOffsetMsgId = producer.send(new Message("Watched", ("w-" + i).getBytes())).getOffsetMsgId();
                }
                // (the last queue position is committed by the client's periodic commit, first run 10 s after its start)
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.examineConsumeStats("CG-watched").getOffsetTable()
                        .values().stream().mapToLong(OffsetWrapper::getConsumerOffset).sum() == 20);
                await().atMost(Duration.ofSeconds(10)).until(() -> Double.parseDouble(admin.fetchBrokerRuntimeStats(
                        halfmoon.brokerAddress()).getTable().get("putTps").split(" ")[1]) > 0);
                Map<String, String> runtime = admin.fetchBrokerRuntimeStats(halfmoon.brokerAddress()).getTable();
                for (String key : new String[] {"putTps", "getTransferedTps", "sendThreadPoolQueueSize",
                        "sendThreadPoolQueueHeadWaitTimeMills", "pullThreadPoolQueueSize", "pullThreadPoolQueueHeadWaitTimeMills",
                        "pageCacheLockTimeMills", "earliestMessageTimeStamp", "commitLogDiskRatio",
                        "msgPutTotalTodayMorning", "msgPutTotalYesterdayMorning", "msgGetTotalTodayMorning",
                        "msgGetTotalYesterdayMorning", "msgPutTotalTodayNow", "msgGetTotalTodayNow", "brokerActive"}) {
                    assertTrue(runtime.containsKey(key), key + " in " + runtime);
                }
                assertEquals(3, runtime.get("getTransferedTps").split(" ").length);
                long earliest = Long.parseLong(runtime.get("earliestMessageTimeStamp"));
                assertTrue(earliest > 0 && earliest <= System.currentTimeMillis(), "earliest message time " + earliest);
                assertTrue(Long.parseLong(runtime.get("msgPutTotalTodayNow")) >= 20, runtime.toString());

                assertTrue(admin.queryTopicConsumeByWho("Watched").getGroupList().contains("CG-watched"));
                java.util.Properties settings = admin.getBrokerConfig(halfmoon.brokerAddress());
                assertEquals("SYNC_FLUSH", settings.getProperty("flushDiskType"), settings.toString());
                assertEquals(halfmoon.namesrv(), settings.getProperty("namesrvAddr").split(";")[0]);
                assertEquals("********", settings.getProperty("tls.server.keyPassword"), "passwords are not told");
                assertEquals(halfmoon.brokerAddress().substring(halfmoon.brokerAddress().lastIndexOf(':') + 1),
                        settings.getProperty("listenPort"), "the port as bound, not the 0 that asked for a free one");
                java.util.Properties change = new java.util.Properties();
                change.setProperty("flushDiskType", "ASYNC_FLUSH");
                Exception update = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> admin.updateBrokerConfig(
                        halfmoon.brokerAddress(), change));
                assertTrue(update.getMessage().contains("flushDiskType cannot change while the broker runs"),
                        update.getMessage());
                assertEquals("SYNC_FLUSH", admin.getBrokerConfig(halfmoon.brokerAddress()).getProperty("flushDiskType"));
                // updateBrokerConfig -k maxMessageSize: applied at once, shown, and a larger body is refused
                change.clear();
                change.setProperty("maxMessageSize", "1024");
                admin.updateBrokerConfig(halfmoon.brokerAddress(), change);
                assertEquals("1024", admin.getBrokerConfig(halfmoon.brokerAddress()).getProperty("maxMessageSize"));
                org.apache.rocketmq.client.exception.MQBrokerException tooLarge = org.junit.jupiter.api.Assertions.assertThrows(
                        org.apache.rocketmq.client.exception.MQBrokerException.class, () -> producer.send(
                                new Message("Watched", new byte[2048])));
                assertTrue(tooLarge.getErrorMessage().contains("maxMessageSize 1024"), tooLarge.getErrorMessage());
                change.setProperty("maxMessageSize", "4194304");
                admin.updateBrokerConfig(halfmoon.brokerAddress(), change); // (the stats below count 20 messages)
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> admin.examineProducerConnectionInfo(
                        "PG-watched", "Watched").getConnectionSet().size() == 1);

                // consumerStatus and queryMsgById -g -d go through the broker to the consumer
                String clientId = admin.examineConsumerConnectionInfo("CG-watched").getConnectionSet().iterator().next()
                        .getClientId();
                org.apache.rocketmq.common.protocol.body.ConsumerRunningInfo info = admin.getConsumerRunningInfo("CG-watched",
                        clientId, false);
                assertTrue(info.getSubscriptionSet().stream().anyMatch(sub -> sub.getTopic().equals("Watched")),
                        String.valueOf(info.getSubscriptionSet()));
                org.apache.rocketmq.common.protocol.body.ConsumeMessageDirectlyResult again = admin.consumeMessageDirectly(
                        "CG-watched", clientId, lastOffsetMsgId);
                assertEquals(org.apache.rocketmq.common.protocol.body.CMResult.CR_SUCCESS, again.getConsumeResult(),
                        again.toString());

                // statsAll: messages in and out by topic and group over the last minute, hour and day
                org.apache.rocketmq.common.protocol.body.BrokerStatsData in = admin.viewBrokerStatsData(
                        halfmoon.brokerAddress(), "TOPIC_PUT_NUMS", "Watched");
                assertEquals(20, in.getStatsMinute().getSum());
                assertEquals(20, in.getStatsDay().getSum());
                assertTrue(in.getStatsMinute().getTps() > 0, "messages per second over the last minute");
                assertEquals(1.0, in.getStatsMinute().getAvgpt(), 1e-9, "one message per send");
                org.apache.rocketmq.common.protocol.body.BrokerStatsData out = admin.viewBrokerStatsData(
                        halfmoon.brokerAddress(), "GROUP_GET_NUMS", "Watched@CG-watched");
                assertTrue(out.getStatsHour().getSum() >= 20, "delivered " + out.getStatsHour().getSum());
                Exception none = org.junit.jupiter.api.Assertions.assertThrows(
                        org.apache.rocketmq.client.exception.MQClientException.class, () -> admin.viewBrokerStatsData(
                                halfmoon.brokerAddress(), "TOPIC_PUT_NUMS", "NeverSent"));
                assertTrue(none.getMessage().contains("not exist"), none.getMessage());

                // brokerConsumeStats: every group's progress on this broker, and the total lag
                org.apache.rocketmq.common.protocol.body.ConsumeStatsList everyGroup = admin.fetchConsumeStatsInBroker(
                        halfmoon.brokerAddress(), false, 5000);
                assertEquals(halfmoon.brokerAddress(), everyGroup.getBrokerAddr());
                assertEquals(0, everyGroup.getTotalDiff());
                OffsetWrapper watched = everyGroup.getConsumeStatsList().stream()
                        .flatMap(m -> m.getOrDefault("CG-watched", java.util.List.of()).stream())
                        .flatMap(c -> c.getOffsetTable().entrySet().stream())
                        .filter(e -> e.getKey().getTopic().equals("Watched")).map(Map.Entry::getValue).findFirst().orElseThrow();
                assertEquals(20, watched.getBrokerOffset());
                assertEquals(20, watched.getConsumerOffset());
                assertTrue(watched.getLastTimestamp() > 0);
                assertTrue(admin.fetchConsumeStatsInBroker(halfmoon.brokerAddress(), true, 5000).getConsumeStatsList()
                        .stream().flatMap(m -> m.values().stream()).allMatch(java.util.List::isEmpty), "no ordered topics");
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
            try {
                admin.deleteSubscriptionGroup(halfmoon.brokerAddress(), "CG-watched", true);
                // the tool itself reports a group without offsets so
                Exception gone = org.junit.jupiter.api.Assertions.assertThrows(
                        org.apache.rocketmq.client.exception.MQClientException.class, () -> admin.examineConsumeStats("CG-watched"));
                assertTrue(gone.getMessage().contains("offset table is empty"), gone.getMessage());
            } finally {
                admin.shutdown();
            }
        }
    }

    /** mqadmin wipeWritePerm / addWritePerm: a broker being retired takes no new messages until given write back. */
    @Test
    void theOfficialAdminToolTakesABrokersWritePermissionAwayAndGivesItBack() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("registerNameServerPeriod", "200").start()) {
            dev.halfmoon.testkit.Admin.createTopic(halfmoon, "Drained", 2);
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            try {
                assertTrue(admin.wipeWritePermOfBroker(halfmoon.namesrv(), "broker-a") >= 1);
                // and the broker's own registrations (every 200 ms here) do not give it back
                await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> admin.examineTopicRouteInfo(
                        "Drained").getQueueDatas().get(0).getPerm() == 4); // read only, and stays so
                DefaultMQProducer refused = Clients.producer(halfmoon.namesrv(), "PG-drained");
                refused.start();
                try {
                    assertThrows(org.apache.rocketmq.client.exception.MQClientException.class,
                            () -> refused.send(new Message("Drained", "x".getBytes())));
                } finally {
                    refused.shutdown();
                }

                assertTrue(admin.addWritePermOfBroker(halfmoon.namesrv(), "broker-a") >= 1);

                // getNamesrvConfig / updateNamesrvConfig
                java.util.Properties namesrvSettings = admin.getNameServerConfig(java.util.List.of(halfmoon.namesrv()))
                        .get(halfmoon.namesrv());
                assertEquals(halfmoon.namesrv().substring(halfmoon.namesrv().lastIndexOf(':') + 1),
                        namesrvSettings.getProperty("listenPort"), namesrvSettings.toString());
                java.util.Properties change = new java.util.Properties();
                change.setProperty("scanNotActiveBrokerInterval", "1000");
                Exception readOnly = assertThrows(Exception.class, () -> admin.updateNameServerConfig(change,
                        java.util.List.of(halfmoon.namesrv())));
                assertTrue(String.valueOf(readOnly.getMessage()).contains("restart"), readOnly.getMessage());
                assertEquals(6, admin.examineTopicRouteInfo("Drained").getQueueDatas().get(0).getPerm());
                DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-drained-2");
                producer.start();
                try {
                    assertEquals(org.apache.rocketmq.client.producer.SendStatus.SEND_OK,
                            producer.send(new Message("Drained", "y".getBytes())).getSendStatus());
                } finally {
                    producer.shutdown();
                }
            } finally {
                admin.shutdown();
            }
        }
    }

    /**
     * A filling disk, as a RocketMQ operator meets it: mqadmin updateBrokerConfig -k fileReservedTime shortens retention
     * while the broker runs, deleteExpiredCommitLog deletes what is now past it at once.
     */
    @Test
    void anOperatorShortensRetentionAndDeletesWhatIsPastItAtOnce() throws Exception {
        // (retention's own passes an hour apart: what goes here goes because it was asked for)
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("mappedFileSizeCommitLog", "65536")
                .set("cleanResourceInterval", "3600000").start()) {
            dev.halfmoon.testkit.Admin.createTopic(halfmoon, "Bulky", 1);
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-bulky");
            producer.start();
            try {
                java.util.Random random = new java.util.Random(7);
                for (int i = 0; i < 20; i++) { // (random bytes: the client compresses bodies over 4 KiB)
                    byte[] body = new byte[16 << 10];
                    random.nextBytes(body);
                    producer.send(new Message("Bulky", body));
                }
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir.resolve("commitlog"))) {
                    for (java.nio.file.Path f : files.toList()) { // written two hours ago, kept 72 h by default
                        java.nio.file.Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(
                                System.currentTimeMillis() - 7_200_000));
                    }
                }
                java.util.Properties shorter = new java.util.Properties();
                shorter.setProperty("fileReservedTime", "1");
                admin.updateBrokerConfig(halfmoon.brokerAddress(), shorter);
                assertTrue(admin.deleteExpiredCommitLogByAddr(halfmoon.brokerAddress())); // (flushes what it deletes first)
                await().atMost(Duration.ofSeconds(10)).until(() -> admin.examineTopicStats("Bulky").getOffsetTable().values()
                        .stream().mapToLong(o -> o.getMinOffset()).sum() > 0);
            } finally {
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    /** mqadmin exportMetadata: the user's topics and groups, without the broker's own. */
    @Test
    void theOfficialAdminToolExportsTheUsersTopicsAndGroups() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start()) {
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            try {
                admin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new TopicConfig("Exported", 2, 2, 6));
                // a user's topic named like the broker's reply topic is the user's
                admin.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new TopicConfig("PAYMENT_REPLY_TOPIC", 1, 1, 6));
                org.apache.rocketmq.common.subscription.SubscriptionGroupConfig group =
                        new org.apache.rocketmq.common.subscription.SubscriptionGroupConfig();
                group.setGroupName("CG-exported");
                admin.createAndUpdateSubscriptionGroupConfig(halfmoon.brokerAddress(), group);
                Set<String> topics = admin.getUserTopicConfig(halfmoon.brokerAddress(), false, 5000).getTopicConfigTable()
                        .keySet();
                assertEquals(Set.of("Exported", "PAYMENT_REPLY_TOPIC"), topics);
                assertTrue(admin.getUserSubscriptionGroup(halfmoon.brokerAddress(), 5000).getSubscriptionGroupTable()
                        .containsKey("CG-exported"));
            } finally {
                admin.shutdown();
            }
        }
    }

    /** mqadmin resumeCheckHalfMessage: a transaction given up after its check-backs is pending again. */
    @Test
    void theOfficialAdminToolResumesAGivenUpTransaction() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).set("transactionTimeOut", "300")
                .set("transactionCheckInterval", "300").set("transactionCheckMax", "1").start()) {
            dev.halfmoon.testkit.Admin.createTopic(halfmoon, "Refunds", 1);
            AtomicReference<LocalTransactionState> answer = new AtomicReference<>(LocalTransactionState.UNKNOW);
            TransactionMQProducer producer = undecidedUntilTold(halfmoon.namesrv(), answer);
            DefaultMQAdminExt admin = Clients.admin(halfmoon.namesrv(), null);
            DefaultMQPushConsumer consumer = Clients.pushConsumer(halfmoon.namesrv(), "CG-refunds");
            Set<String> received = ConcurrentHashMap.newKeySet();
            consumer.subscribe("Refunds", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> received.add(new String(m.getBody())));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                Message refund = new Message("Refunds", "refund-1".getBytes());
                refund.setKeys("refund-1");
                producer.sendMessageInTransaction(refund, null);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !admin.queryMessage("TRANS_CHECK_MAX_TIME_TOPIC",
                        "refund-1", 8, 0, Long.MAX_VALUE).getMessageList().isEmpty());
                // mqadmin queryMsgByKey shows it as "Offset Msg ID"; resumeCheckHalfMessage takes that id
                String copy = ((MessageClientExt) admin.queryMessage("TRANS_CHECK_MAX_TIME_TOPIC", "refund-1", 8, 0,
                        Long.MAX_VALUE).getMessageList().get(0)).getOffsetMsgId();

                answer.set(LocalTransactionState.COMMIT_MESSAGE);
                assertTrue(admin.resumeCheckHalfMessage(copy), "resumed");
                await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("refund-1"));
                assertFalse(admin.resumeCheckHalfMessage(copy), "a copy is resumed once");
            } finally {
                consumer.shutdown();
                admin.shutdown();
                producer.shutdown();
            }
        }
    }

    /** A transactional producer whose local transactions end UNKNOWN and whose checks answer {@code answer}. */
    private static TransactionMQProducer undecidedUntilTold(String namesrv, AtomicReference<LocalTransactionState> answer)
            throws Exception {
        TransactionMQProducer producer = Clients.transactionProducer(namesrv, "PG-refunds");
        producer.setTransactionListener(Clients.listener(msg -> LocalTransactionState.UNKNOW, msg -> answer.get()));
        producer.start();
        return producer;
    }
}
