package dev.halfmoon.bench.soak;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.common.protocol.RequestCode;
import org.apache.rocketmq.common.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.common.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.common.protocol.header.SendMessageRequestHeader;
import org.apache.rocketmq.common.protocol.header.SendMessageRequestHeaderV2;
import org.apache.rocketmq.common.protocol.header.namesrv.GetRouteInfoRequestHeader;
import org.apache.rocketmq.common.protocol.heartbeat.ConsumeType;
import org.apache.rocketmq.common.protocol.heartbeat.ConsumerData;
import org.apache.rocketmq.common.protocol.heartbeat.HeartbeatData;
import org.apache.rocketmq.common.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.common.protocol.heartbeat.ProducerData;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.SerializeType;

/**
 * Frames as the official 4.9.8 client writes them, made by its own codec: sends (v1 and v2),
 * heartbeats, pulls, offset queries and route queries, in both header encodings (JSON and
 * RocketMQ's binary one). The garbage soak sends them as they are and damaged.
 */
final class RealFrames {
    private RealFrames() {
    }

    /** Frames for the broker. */
    static List<byte[]> broker(String topic) {
        List<byte[]> frames = new ArrayList<>();
        for (SerializeType type : SerializeType.values()) {
            SendMessageRequestHeader h = new SendMessageRequestHeader();
            h.setProducerGroup("garbage-pg");
            h.setTopic(topic);
            h.setDefaultTopic("TBW102");
            h.setDefaultTopicQueueNums(4);
            h.setQueueId(0);
            h.setSysFlag(0);
            h.setBornTimestamp(System.currentTimeMillis());
            h.setFlag(0);
            h.setProperties("KEYS\u0001garbage\u0002UNIQ_KEY\u0001AC11000100002A9F0000000000000001\u0002");
            h.setReconsumeTimes(0);
            h.setUnitMode(false);
            h.setBatch(false);
            frames.add(encode(RemotingCommand.createRequestCommand(RequestCode.SEND_MESSAGE, h), type, new byte[64]));
            frames.add(encode(RemotingCommand.createRequestCommand(RequestCode.SEND_MESSAGE_V2,
                    SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(h)), type, new byte[200]));

            HeartbeatData hb = new HeartbeatData();
            hb.setClientID("garbage-client");
            ProducerData pd = new ProducerData();
            pd.setGroupName("garbage-pg");
            hb.getProducerDataSet().add(pd);
            ConsumerData cd = new ConsumerData();
            cd.setGroupName("garbage-cg");
            cd.setConsumeType(ConsumeType.CONSUME_PASSIVELY);
            cd.setMessageModel(MessageModel.CLUSTERING);
            cd.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
            SubscriptionData sd = new SubscriptionData(topic, "*");
            cd.setSubscriptionDataSet(Set.of(sd));
            hb.getConsumerDataSet().add(cd);
            frames.add(encode(RemotingCommand.createRequestCommand(RequestCode.HEART_BEAT, null), type, hb.encode()));

            PullMessageRequestHeader pull = new PullMessageRequestHeader();
            pull.setConsumerGroup("garbage-cg");
            pull.setTopic(topic);
            pull.setQueueId(0);
            pull.setQueueOffset(0L);
            pull.setMaxMsgNums(32);
            pull.setSysFlag(0);
            pull.setCommitOffset(0L);
            pull.setSuspendTimeoutMillis(0L);
            pull.setSubVersion(0L);
            frames.add(encode(RemotingCommand.createRequestCommand(RequestCode.PULL_MESSAGE, pull), type, null));

            QueryConsumerOffsetRequestHeader q = new QueryConsumerOffsetRequestHeader();
            q.setConsumerGroup("garbage-cg");
            q.setTopic(topic);
            q.setQueueId(0);
            frames.add(encode(RemotingCommand.createRequestCommand(RequestCode.QUERY_CONSUMER_OFFSET, q), type, null));
        }
        return frames;
    }

    /** Frames for the name server. */
    static List<byte[]> namesrv(String topic) {
        List<byte[]> frames = new ArrayList<>();
        for (SerializeType type : SerializeType.values()) {
            GetRouteInfoRequestHeader h = new GetRouteInfoRequestHeader();
            h.setTopic(topic);
            frames.add(encode(RemotingCommand.createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, h), type, null));
            frames.add(encode(RemotingCommand.createRequestCommand(RequestCode.GET_BROKER_CLUSTER_INFO, null), type, null));
        }
        return frames;
    }

    private static byte[] encode(RemotingCommand cmd, SerializeType type, byte[] body) {
        cmd.setSerializeTypeCurrentRPC(type);
        cmd.setBody(body);
        ByteBuffer b = cmd.encode();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
