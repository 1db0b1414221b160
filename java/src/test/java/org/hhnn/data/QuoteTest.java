package org.hhnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuoteTest {
    @Test
    void escapesControlCharactersAndCutsLongText() {
        assertEquals("'a\\nb\\tc\\u001b[31m\\u007f'", Quote.of("a\nb\tc\u001b[31m\u007f"));
        assertEquals("'héllo'", Quote.of("héllo"));
        String longName = "x".repeat(Quote.MAX_CHARS + 5);
        assertEquals("'" + "x".repeat(Quote.MAX_CHARS) + "' (cut; " + (Quote.MAX_CHARS + 5) + " characters)", Quote.of(longName));
    }
}
