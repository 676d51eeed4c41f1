package dev.halfmoon.remoting;

/** RocketMQ request codes ({@code RequestCode}), with their protocol spelling. */
public final class RequestCode {
    public static final int SEND_MESSAGE = 10;
    public static final int PULL_MESSAGE = 11;
    /** 5.x lite pull consumers: PULL_MESSAGE with the lite flag. */
    public static final int LITE_PULL_MESSAGE = 361;
    public static final int QUERY_MESSAGE = 12;
    public static final int QUERY_CONSUMER_OFFSET = 14;
    public static final int UPDATE_CONSUMER_OFFSET = 15;
    public static final int UPDATE_AND_CREATE_TOPIC = 17;
    public static final int GET_ALL_TOPIC_CONFIG = 21;
    public static final int UPDATE_BROKER_CONFIG = 25;
    public static final int GET_BROKER_CONFIG = 26;
    public static final int GET_BROKER_RUNTIME_INFO = 28;
    public static final int SEARCH_OFFSET_BY_TIMESTAMP = 29;
    public static final int GET_MAX_OFFSET = 30;
    public static final int GET_MIN_OFFSET = 31;
    public static final int GET_EARLIEST_MSG_STORETIME = 32;
    public static final int VIEW_MESSAGE_BY_ID = 33;
    public static final int HEART_BEAT = 34;
    public static final int UNREGISTER_CLIENT = 35;
    public static final int CONSUMER_SEND_MSG_BACK = 36;
    public static final int END_TRANSACTION = 37;
    public static final int GET_CONSUMER_LIST_BY_GROUP = 38;
    public static final int CHECK_TRANSACTION_STATE = 39;
    public static final int NOTIFY_CONSUMER_IDS_CHANGED = 40;
    public static final int LOCK_BATCH_MQ = 41;
    public static final int UNLOCK_BATCH_MQ = 42;
    public static final int GET_ALL_CONSUMER_OFFSET = 43;
    public static final int CHECK_CLIENT_CONFIG = 46;
    /** ACL administration (RocketMQ's plain ACL, mqadmin updateAclConfig and friends). */
    public static final int UPDATE_AND_CREATE_ACL_CONFIG = 50;
    public static final int DELETE_ACL_CONFIG = 51;
    public static final int GET_BROKER_CLUSTER_ACL_INFO = 52;
    public static final int UPDATE_GLOBAL_WHITE_ADDRS_CONFIG = 53;
    public static final int PUT_KV_CONFIG = 100;
    public static final int GET_KV_CONFIG = 101;
    public static final int DELETE_KV_CONFIG = 102;
    public static final int REGISTER_BROKER = 103;
    public static final int UNREGISTER_BROKER = 104;
    public static final int GET_ROUTEINFO_BY_TOPIC = 105;
    public static final int GET_BROKER_CLUSTER_INFO = 106;
    public static final int UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 200;
    public static final int GET_ALL_SUBSCRIPTIONGROUP_CONFIG = 201;
    public static final int GET_TOPIC_STATS_INFO = 202;
    public static final int GET_CONSUMER_CONNECTION_LIST = 203;
    public static final int GET_PRODUCER_CONNECTION_LIST = 204;
    public static final int GET_ALL_TOPIC_LIST_FROM_NAMESERVER = 206;
    public static final int DELETE_SUBSCRIPTIONGROUP = 207;
    public static final int GET_CONSUME_STATS = 208;
    public static final int DELETE_TOPIC_IN_BROKER = 215;
    public static final int DELETE_TOPIC_IN_NAMESRV = 216;
    /** An Apache broker with enableSingleTopicRegister=true: one topic it created, body a TopicRouteData. */
    public static final int REGISTER_TOPIC_IN_NAMESRV = 217;
    public static final int GET_KVLIST_BY_NAMESPACE = 219;
    public static final int RESET_CONSUMER_CLIENT_OFFSET = 220;
    public static final int GET_CONSUMER_STATUS_FROM_CLIENT = 221;
    public static final int QUERY_TOPIC_CONSUME_BY_WHO = 300;
    public static final int CLEAN_EXPIRED_CONSUMEQUEUE = 306;
    /** 5.x tools: one topic's config (TopicConfigAndQueueMapping). */
    public static final int GET_TOPIC_CONFIG = 351;
    public static final int INVOKE_BROKER_TO_RESET_OFFSET = 222;
    public static final int GET_TOPICS_BY_CLUSTER = 224;
    /** Name server: take write permission away from a broker group's topics (mqadmin wipeWritePerm). */
    public static final int WIPE_WRITE_PERM_OF_BROKER = 205;
    /** Name server: give it back (mqadmin addWritePerm). */
    public static final int ADD_WRITE_PERM_OF_BROKER = 327;
    /** Name server: change its settings (mqadmin updateNamesrvConfig); refused, they are read at start. */
    public static final int UPDATE_NAMESRV_CONFIG = 318;
    /** Name server: its settings as properties text (mqadmin getNamesrvConfig). */
    public static final int GET_NAMESRV_CONFIG = 319;
    public static final int GET_CONSUMER_RUNNING_INFO = 307;
    public static final int CONSUME_MESSAGE_DIRECTLY = 309;
    public static final int SEND_MESSAGE_V2 = 310;
    /** A broker's sums and rates for one stats name and key (mqadmin statsAll: TOPIC_PUT_NUMS, GROUP_GET_NUMS). */
    public static final int VIEW_BROKER_STATS_DATA = 315;
    /** Every group's progress on this broker (mqadmin brokerConsumeStats; RocketMQ spells it GET_BROKE_CONSUME_STATS). */
    public static final int GET_BROKER_CONSUME_STATS = 317;
    /** mqadmin cleanUnusedTopic: drop the consume queues of topics no longer configured. */
    public static final int CLEAN_UNUSED_TOPIC = 316;
    public static final int SEND_BATCH_MESSAGE = 320;
    /** mqadmin queryCq: a queue's raw entries (commit-log offset, size, tags code) from an index. */
    public static final int QUERY_CONSUME_QUEUE = 321;
    /** mqadmin producer: every producer group's live connections on the broker. */
    public static final int GET_ALL_PRODUCER_INFO = 328;
    public static final int QUERY_DATA_VERSION = 322;
    /** The broker's system topics (mqadmin exportMetadata leaves them out of the topic configs it exports). */
    public static final int GET_SYSTEM_TOPIC_LIST_FROM_BROKER = 305;
    public static final int RESUME_CHECK_HALF_MESSAGE = 323;
    /** mqadmin deleteExpiredCommitLog: a retention pass now. */
    public static final int DELETE_EXPIRED_COMMITLOG = 329;

    /** Halfmoon: list pending transactions (ext topic?, producerGroup?, olderThanMs?, offset?, limit?). */
    public static final int HM_LIST_PENDING_TRANSACTIONS = 9901;
    /** Halfmoon: describe one pending transaction (ext id: transaction id, half offset or offset message id). */
    public static final int HM_DESCRIBE_TRANSACTION = 9902;
    /** Halfmoon: resolve one pending transaction by hand (ext id, decision COMMIT|ROLLBACK). */
    public static final int HM_RESOLVE_TRANSACTION = 9903;

    private RequestCode() {
    }
    /** RocketMQ's request/reply: a responder's reply (V2: the short header keys), and its push to the requester. */
    public static final int SEND_REPLY_MESSAGE = 324;
    public static final int SEND_REPLY_MESSAGE_V2 = 325;
    public static final int PUSH_REPLY_MESSAGE_TO_CLIENT = 326;
}
