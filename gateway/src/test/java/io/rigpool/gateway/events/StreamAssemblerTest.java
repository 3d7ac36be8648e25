package io.rigpool.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamAssemblerTest {

    @Test
    void whatWasNotStreamedComesLast() {
        StreamAssembler assembler = new StreamAssembler();
        assertEquals("Hello", assembler.rest("Hello"));
        assembler.streamed("He");
        assertEquals("llo", assembler.rest("Hello"));
        assembler.streamed("llo");
        assertEquals("", assembler.rest("Hello"));
    }

    @Test
    void aStreamThatDivergedOrANullTextAddsNothing() {
        StreamAssembler assembler = new StreamAssembler();
        assembler.streamed("Bye");
        assertEquals("", assembler.rest("Hello"));
        assertEquals("", assembler.rest(null));
    }
}
