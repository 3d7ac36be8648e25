package io.rigpool.gateway.jobs.store;

import io.rigpool.gateway.jobs.JobStatus;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a status by its lower-case API name, which the table's CHECK constraint lists. */
@Converter
public class JobStatusColumn implements AttributeConverter<JobStatus, String> {

    @Override
    public String convertToDatabaseColumn(JobStatus status) {
        return status == null ? null : status.wireName();
    }

    @Override
    public JobStatus convertToEntityAttribute(String column) {
        return column == null ? null : JobStatus.fromWireName(column);
    }
}
