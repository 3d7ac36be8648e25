package io.rigpool.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A page of jobs in OpenAI's list shape: pass {@code last_id} as {@code after} for the next page. */
public record JobList(String object, List<JobView> data, @JsonProperty("first_id") String firstId,
        @JsonProperty("last_id") String lastId, @JsonProperty("has_more") boolean hasMore) {

    static JobList of(List<JobView> jobs, boolean hasMore) {
        return new JobList("list", jobs, jobs.isEmpty() ? null : jobs.get(0).id(),
                jobs.isEmpty() ? null : jobs.get(jobs.size() - 1).id(), hasMore);
    }
}
