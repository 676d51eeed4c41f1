package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.HalfmoonFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.srvutil.ServerUtil;
import org.apache.rocketmq.tools.command.SubCommand;
import org.apache.rocketmq.tools.command.broker.BrokerStatusSubCommand;
import org.apache.rocketmq.tools.command.broker.GetBrokerConfigCommand;
import org.apache.rocketmq.tools.command.broker.UpdateBrokerConfigSubCommand;
import org.apache.rocketmq.tools.command.cluster.ClusterListSubCommand;
import org.apache.rocketmq.tools.command.connection.ConsumerConnectionSubCommand;
import org.apache.rocketmq.tools.command.consumer.ConsumerProgressSubCommand;
import org.apache.rocketmq.tools.command.message.QueryMsgByUniqueKeySubCommand;
import org.apache.rocketmq.tools.command.topic.TopicListSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicRouteSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicStatusSubCommand;
import org.apache.rocketmq.tools.command.topic.UpdateTopicSubCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mqadmin commands operators use most, from RocketMQ's tools 5.3.1 (what a 5.x installation's mqadmin runs), each
 * run as mqadmin runs it, against Halfmoon: each must succeed and print what it found.
 */
@Timeout(120)
class AdminTool5Test {
    @TempDir
    Path dir;
    private String namesrvBefore;

    @AfterEach
    void restore() {
        if (namesrvBefore == null) {
            System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        } else {
            System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, namesrvBefore);
        }
    }

    /** Runs {@code command} with {@code args} as mqadmin does (name server from -n); returns what it printed. */
    private static synchronized String mqadmin(SubCommand command, String... args) throws Exception {
        Options options = command.buildCommandlineOptions(ServerUtil.buildCommandlineOptions(new Options()));
        CommandLine line = new DefaultParser().parse(options, args);
        System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, line.getOptionValue('n'));
        PrintStream console = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            command.execute(line, options, null);
        } finally {
            System.setOut(console);
        }
        // (the broker runs in this JVM and logs to the console too: its lines are left out)
        String out = printed.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) .*"))
                .collect(java.util.stream.Collectors.joining("\n"));
        console.println("mqadmin " + command.commandName() + ":\n" + out);
        return out;
    }

    @Test
    void theCommandsOperatorsUseMostWork() throws Exception {
        namesrvBefore = System.getProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir).start()) {
            String n = halfmoon.namesrv();
            String broker = halfmoon.brokerAddress();
            assertTrue(mqadmin(new UpdateTopicSubCommand(), "-n", n, "-c", "DefaultCluster", "-t", "Ledger", "-r", "3", "-w", "3")
                    .contains("success"));
            await().atMost(Duration.ofSeconds(10)).until(() -> mqadmin(new TopicListSubCommand(), "-n", n).lines()
                    .anyMatch("Ledger"::equals));
            assertTrue(mqadmin(new TopicRouteSubCommand(), "-n", n, "-t", "Ledger").contains(broker));
            // RocketMQ 5's topic attributes: kept, shown, kept by an update that names none, refused when unknown
            mqadmin(new UpdateTopicSubCommand(), "-n", n, "-c", "DefaultCluster", "-t", "Payments", "-r", "2", "-w", "2",
                    "-a", "+message.type=TRANSACTION");
            org.apache.rocketmq.tools.admin.DefaultMQAdminExt admin = new org.apache.rocketmq.tools.admin.DefaultMQAdminExt();
            admin.setNamesrvAddr(n);
            admin.setInstanceName(Clients.instance());
            admin.start();
            try {
                assertEquals(java.util.Map.of("message.type", "TRANSACTION"),
                        admin.examineTopicConfig(broker, "Payments").getAttributes());
                mqadmin(new UpdateTopicSubCommand(), "-n", n, "-c", "DefaultCluster", "-t", "Payments", "-r", "4", "-w", "4");
                assertEquals(java.util.Map.of("message.type", "TRANSACTION"),
                        admin.examineTopicConfig(broker, "Payments").getAttributes());
                org.apache.rocketmq.tools.command.SubCommandException refused = org.junit.jupiter.api.Assertions.assertThrows(
                        org.apache.rocketmq.tools.command.SubCommandException.class, () -> mqadmin(new UpdateTopicSubCommand(),
                                "-n", n, "-c", "DefaultCluster", "-t", "Payments", "-r", "4", "-w", "4", "-a", "+retention=7d"));
                assertTrue(String.valueOf(org.apache.commons.lang3.exception.ExceptionUtils.getRootCause(refused).getMessage())
                        .contains("unsupported topic attribute"), refused.toString());
                assertEquals(4, admin.examineTopicConfig(broker, "Payments").getWriteQueueNums());
            } finally {
                admin.shutdown();
            }

            DefaultMQProducer producer = Clients.producer(n, "PG-ledger");
            producer.start();
            SendResult sent;
            try {
                sent = producer.send(new Message("Ledger", "entry".getBytes()));
            } finally {
                producer.shutdown();
            }
            String status = mqadmin(new TopicStatusSubCommand(), "-n", n, "-t", "Ledger", "-c", "DefaultCluster");
            assertTrue(status.contains("broker-a") && status.contains("#Max Offset"), status);
            assertTrue(mqadmin(new ClusterListSubCommand(), "-n", n).contains("broker-a"));
            assertTrue(mqadmin(new BrokerStatusSubCommand(), "-n", n, "-b", broker).contains("brokerVersionDesc"));
            assertTrue(mqadmin(new GetBrokerConfigCommand(), "-n", n, "-b", broker).contains("brokerClusterName"));
            assertTrue(mqadmin(new UpdateBrokerConfigSubCommand(), "-n", n, "-b", broker, "-k", "transactionCheckMax", "-v",
                    "9").contains("update broker config success"));
            String changed = mqadmin(new GetBrokerConfigCommand(), "-n", n, "-b", broker);
            assertTrue(changed.lines().anyMatch(l -> l.matches("\\s*transactionCheckMax\\s*=\\s*9\\s*")), changed);
            await().atMost(Duration.ofSeconds(10)).until(() -> mqadmin(new QueryMsgByUniqueKeySubCommand(), "-n", n,
                    "-t", "Ledger", "-i", sent.getMsgId()).contains(sent.getMsgId()));

            DefaultMQPushConsumer consumer = Clients.pushConsumer(n, "CG-ledger");
            consumer.subscribe("Ledger", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            consumer.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> mqadmin(new ConsumerProgressSubCommand(), "-n", n,
                        "-g", "CG-ledger").contains("Diff Total: 0"));
                assertTrue(mqadmin(new ConsumerConnectionSubCommand(), "-n", n, "-g", "CG-ledger").contains("Ledger"));
            } finally {
                consumer.shutdown();
            }
        }
    }
}
