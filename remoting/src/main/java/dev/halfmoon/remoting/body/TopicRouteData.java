package dev.halfmoon.remoting.body;

import java.util.List;
import java.util.Map;

/**
 * A topic's route, as the name server answers GET_ROUTEINFO_BY_TOPIC. {@code queueDatas} and
 * {@code brokerDatas} are never null (the clients iterate them unchecked).
 */
public record TopicRouteData(String orderTopicConf, List<QueueData> queueDatas, List<BrokerData> brokerDatas,
                             Map<String, List<String>> filterServerTable) {
    public TopicRouteData {
        queueDatas = queueDatas == null ? List.of() : List.copyOf(queueDatas);
        brokerDatas = brokerDatas == null ? List.of() : List.copyOf(brokerDatas);
        filterServerTable = filterServerTable == null ? Map.of() : Map.copyOf(filterServerTable);
    }
}
