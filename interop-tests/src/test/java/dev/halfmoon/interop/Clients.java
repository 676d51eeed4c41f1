package dev.halfmoon.interop;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/**
 * Official clients (4.9.8 or 5.3.1, whichever the module brings) configured for fast tests: short
 * route, heartbeat and offset-commit periods.
 */
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

    /** A producer with message traces on (sent to RMQ_SYS_TRACE_TOPIC by the client's trace dispatcher). */
    static DefaultMQProducer tracedProducer(String namesrv, String group) {
        DefaultMQProducer p = new DefaultMQProducer(group, (org.apache.rocketmq.remoting.RPCHook) null, true, null);
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

    /** A transaction listener: {@code local} decides each local transaction, {@code check} answers each check-back. */
    static TransactionListener listener(java.util.function.Function<Message, LocalTransactionState> local,
                                        java.util.function.Function<MessageExt, LocalTransactionState> check) {
        return new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return local.apply(msg);
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return check.apply(msg);
            }
        };
    }

    /** The official admin API (what mqadmin runs), started; {@code hook} signs its requests (null: unsigned). */
    static org.apache.rocketmq.tools.admin.DefaultMQAdminExt admin(String namesrv, org.apache.rocketmq.remoting.RPCHook hook)
            throws org.apache.rocketmq.client.exception.MQClientException {
        org.apache.rocketmq.tools.admin.DefaultMQAdminExt a = hook == null ? new org.apache.rocketmq.tools.admin.DefaultMQAdminExt()
                : new org.apache.rocketmq.tools.admin.DefaultMQAdminExt(hook);
        a.setNamesrvAddr(namesrv);
        a.setInstanceName(instance());
        a.start();
        return a;
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

    /**
     * Switches a push consumer to broadcasting. {@code MessageModel} moved package between 4.x and
     * 5.x, so the enum is looked up from the setter's parameter type.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void broadcasting(DefaultMQPushConsumer c) {
        try {
            for (java.lang.reflect.Method m : c.getClass().getMethods()) {
                if (m.getName().equals("setMessageModel")) {
                    Class<? extends Enum> model = (Class<? extends Enum>) m.getParameterTypes()[0];
                    m.invoke(c, Enum.valueOf(model, "BROADCASTING"));
                    return;
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no setMessageModel on " + c.getClass());
    }

    private static void configure(org.apache.rocketmq.client.ClientConfig c, String namesrv) {
        c.setNamesrvAddr(namesrv);
        c.setInstanceName(instance());
        c.setPollNameServerInterval(500);
        c.setHeartbeatBrokerInterval(1000);
    }
}
