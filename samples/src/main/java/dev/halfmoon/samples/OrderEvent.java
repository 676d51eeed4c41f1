package dev.halfmoon.samples;

import dev.halfmoon.remoting.Json;

/** The OrderCreated event: what the order service publishes when an order is committed. JSON on the wire. */
record OrderEvent(String orderId, String sku, int quantity, int amountCents) {
    static final String TOPIC = "OrderCreated";

    byte[] toJson() {
        return Json.encode(this);
    }

    static OrderEvent fromJson(byte[] json) {
        return Json.decode(json, OrderEvent.class);
    }
}
