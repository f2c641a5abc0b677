package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the loop has to say reaches the terminal in order, and a terminal nobody reads never stops the loop. */
class ConsoleLinesTest {
    @Test
    void linesComeOutInOrderAndCloseWritesWhatIsQueued() {
        StringWriter text = new StringWriter();
        ConsoleLines c = new ConsoleLines(new PrintWriter(text));
        for (int i = 0; i < 500; i++) {
            assertTrue(c.print("line " + i));
        }
        c.close();
        List<String> lines = text.toString().lines().toList();
        assertEquals(500, lines.size());
        for (int i = 0; i < 500; i++) {
            assertEquals("line " + i, lines.get(i));
        }
        assertEquals(0, c.dropped());
        assertFalse(c.print("after close"), "a closed console takes nothing");
        c.close(); // idempotent
        assertEquals(500, text.toString().lines().count());
    }

    @Test
    void aTerminalNobodyReadsNeverBlocksThePrinterAndTheLossIsSaidOnceItReadsAgain() throws Exception {
        PipedInputStream in = new PipedInputStream(256);
        PipedOutputStream pipe = new PipedOutputStream(in);
        ConsoleLines c = new ConsoleLines(new PrintWriter(pipe, false, StandardCharsets.UTF_8));
        int n = ConsoleLines.CAPACITY * 3;
        // Before: the loop's println blocked in write(2) once the pipe was full, and the stack with it.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < n; i++) {
                c.print("event " + i);
            }
        }, "print() blocked on a full terminal");
        long dropped = c.dropped();
        assertTrue(dropped >= n - ConsoleLines.CAPACITY - 64 - 64, "dropped " + dropped);

        // The reader comes back: everything kept arrives in order, then how much was lost.
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().start(() -> copy(in, got));
        assertTimeoutPreemptively(Duration.ofSeconds(20), c::close);
        pipe.close();
        reader.join(10_000);
        List<String> lines = got.toString(StandardCharsets.UTF_8).lines().toList();
        String last = lines.getLast();
        assertEquals("lwip4j: " + dropped + " lines dropped (the output was not read fast enough)", last);
        assertEquals(n - dropped, lines.size() - 1);
        int prev = -1;
        for (String l : lines.subList(0, lines.size() - 1)) {
            int i = Integer.parseInt(l.substring("event ".length()));
            assertTrue(i > prev, "in order: " + i + " after " + prev);
            prev = i;
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] b = new byte[4096];
        try {
            for (int r; (r = in.read(b)) > 0; ) {
                to.write(b, 0, r);
            }
        } catch (IOException e) {
            // the writer closed the pipe: done
        }
    }
}
