package io.rigpool.gateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Says where in a JSON body Jackson stopped, in the same notation as the field names of validation errors. */
final class JsonErrorPaths {

    private JsonErrorPaths() {
    }

    /** {@code messages[1].content}, or null when the failure was at the top level or its place is unknown. */
    static String of(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return ofReferences(mapping.getPath());
        }
        if (e.getProcessor() instanceof JsonParser parser) {
            return ofContext(parser.getParsingContext());
        }
        return null;
    }

    private static String ofReferences(List<JsonMappingException.Reference> path) {
        FieldPath field = new FieldPath();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                field.name(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                field.index(reference.getIndex());
            }
        }
        return field.orNull();
    }

    private static String ofContext(JsonStreamContext innermost) {
        Deque<JsonStreamContext> outermostFirst = new ArrayDeque<>();
        for (JsonStreamContext context = innermost; context != null && !context.inRoot();
                context = context.getParent()) {
            outermostFirst.push(context);
        }
        FieldPath field = new FieldPath();
        for (JsonStreamContext context : outermostFirst) {
            if (context.inObject() && context.getCurrentName() != null) {
                field.name(context.getCurrentName());
            } else if (context.inArray() && context.getCurrentIndex() >= 0) {
                field.index(context.getCurrentIndex());
            }
        }
        return field.orNull();
    }
}
