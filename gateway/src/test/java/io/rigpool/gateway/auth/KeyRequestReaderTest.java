package io.rigpool.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rigpool.gateway.api.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeyRequestReaderTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFullRequestIsRead() throws Exception {
        NewApiKey key = KeyRequestReader.read(JSON.readTree("""
                {"name": " ci ", "role": "admin", "rate_per_second": 2.5, "burst": 5, "max_concurrent_jobs": 3}"""));
        assertEquals(new NewApiKey("ci", Role.ADMIN, 2.5, 5, 3), key);
        assertEquals(new NewApiKey("x", Role.USER, null, null, null), KeyRequestReader.read(JSON.readTree(
                "{\"name\": \"x\"}")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                         | name
            {"name": ""}                               | name
            {"name": 5}                                | name
            {"name": "x", "role": "root"}              | role
            {"name": "x", "rate_per_second": 0}        | rate_per_second
            {"name": "x", "rate_per_second": "fast"}   | rate_per_second
            {"name": "x", "burst": 1.5}                | burst
            {"name": "x", "max_concurrent_jobs": -1}   | max_concurrent_jobs
            """)
    void aWrongFieldIsNamed(String body, String field) throws Exception {
        ApiException refused = assertThrows(ApiException.class, () -> KeyRequestReader.read(JSON.readTree(body)));
        assertEquals(400, refused.status());
        assertEquals(field, refused.field());
    }
}
