package io.rigpool.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * A sampled token and its log probability, in OpenAI's shape ({@code choices[].logprobs.content[]}), which is also
 * how the jobs table stores it.
 *
 * @param logprob natural log of its probability, at most 0
 * @param bytes its UTF-8 bytes (a token may hold part of a character)
 * @param topLogprobs the likeliest tokens at its place, likeliest first
 */
public record TokenLogprob(String token, double logprob, List<Integer> bytes,
        @JsonProperty("top_logprobs") List<Top> topLogprobs) {

    /** One of the likeliest tokens at a place. */
    public record Top(String token, double logprob, List<Integer> bytes) {
    }

    public TokenLogprob {
        bytes = bytes == null ? List.of() : List.copyOf(bytes);
        topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
    }

    /** A worker's token, made storable: PostgreSQL's JSON holds no U+0000. */
    public static TokenLogprob of(io.rigpool.proto.v1.TokenLogprob wire) {
        List<Top> top = new ArrayList<>(wire.getTopLogprobsCount());
        for (io.rigpool.proto.v1.TopLogprob t : wire.getTopLogprobsList()) {
            top.add(new Top(StorableText.of(t.getToken()), t.getLogprob(), bytes(t.getBytes().toByteArray())));
        }
        return new TokenLogprob(StorableText.of(wire.getToken()), wire.getLogprob(),
                bytes(wire.getBytes().toByteArray()), top);
    }

    public static List<TokenLogprob> of(List<io.rigpool.proto.v1.TokenLogprob> wire) {
        return wire.stream().map(TokenLogprob::of).toList();
    }

    private static List<Integer> bytes(byte[] raw) {
        List<Integer> bytes = new ArrayList<>(raw.length);
        for (byte b : raw) {
            bytes.add(b & 0xff);
        }
        return bytes;
    }
}
