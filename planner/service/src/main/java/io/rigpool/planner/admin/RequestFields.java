package io.rigpool.planner.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.rigpool.common.sizes.ByteSizes;

/** Reads the few fields admin requests carry, refusing bad ones with the field's name. */
final class RequestFields {

    /** A terabyte of reserve is certainly a typo. */
    private static final long MAX_RESERVE = 1L << 40;
    private static final int MAX_REPLICAS = 10_000;

    private RequestFields() {
    }

    static long reserve(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "send a JSON object such as {\"reserve\": \"2GiB\"}");
        }
        long bytes;
        if (body.has("reserve_bytes")) {
            JsonNode n = body.get("reserve_bytes");
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw ApiException.badRequest("reserve_bytes", "must be a whole number of bytes");
            }
            bytes = n.asLong();
        } else if (body.has("reserve")) {
            JsonNode n = body.get("reserve");
            if (!n.isTextual()) {
                throw ApiException.badRequest("reserve", "must be a size such as \"2GiB\" or \"1536MiB\"");
            }
            try {
                bytes = ByteSizes.parse(n.asText());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("reserve", e.getMessage());
            }
        } else {
            throw ApiException.badRequest("reserve", "missing: send {\"reserve\": \"2GiB\"} or"
                    + " {\"reserve_bytes\": 2147483648}");
        }
        if (bytes < 0 || bytes > MAX_RESERVE) {
            throw ApiException.badRequest(body.has("reserve_bytes") ? "reserve_bytes" : "reserve",
                    "must be between 0 and 1 TiB");
        }
        return bytes;
    }

    static int minReplicas(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("min_replicas")) {
            throw ApiException.badRequest("min_replicas", "missing: send {\"min_replicas\": 2}");
        }
        JsonNode n = body.get("min_replicas");
        if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > MAX_REPLICAS) {
            throw ApiException.badRequest("min_replicas", "must be a whole number from 0 to " + MAX_REPLICAS);
        }
        return n.asInt();
    }
}
