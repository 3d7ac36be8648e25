package io.rigpool.gateway.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.ModelCatalogEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCatalogueTest {

    @Test
    void theLatestRecordPerModelWinsAndAnEmptyValueRemoves() {
        ModelCatalogue catalogue = new ModelCatalogue();
        catalogue.apply("b-model", entry("b-model", 1024));
        catalogue.apply("a-model", entry("a-model", 2048));
        catalogue.apply("b-model", entry("b-model", 4096));

        assertEquals(List.of("a-model", "b-model"), catalogue.modelIds());
        assertEquals(4096, catalogue.find("b-model").orElseThrow().getContextLength());
        assertTrue(catalogue.serves("a-model"));

        catalogue.apply("a-model", null);
        assertFalse(catalogue.serves("a-model"));
        assertEquals(List.of("b-model"), catalogue.modelIds());
    }

    @Test
    void recordsThatAreNotCatalogueEntriesAreIgnored() {
        ModelCatalogue catalogue = new ModelCatalogue();
        catalogue.apply("x", new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        catalogue.apply(null, entry("y", 1));

        assertTrue(catalogue.modelIds().isEmpty());
        assertFalse(catalogue.serves(null));
    }

    private static byte[] entry(String id, long contextLength) {
        return ModelCatalogEntry.newBuilder().setModelId(id).setContextLength(contextLength).build().toByteArray();
    }
}
