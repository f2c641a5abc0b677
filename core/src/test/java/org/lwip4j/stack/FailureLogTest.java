package org.lwip4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FailureLogTest {
    /** Records what is logged. */
    private static final class RecordingLogger implements System.Logger {
        final List<String> messages = new ArrayList<>();
        final List<Throwable> thrown = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable t) {
            messages.add(level + " " + msg);
            thrown.add(t);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            messages.add(level + " " + format);
            thrown.add(null);
        }

        @Override
        public void log(Level level, Supplier<String> s, Throwable t) {
            log(level, null, s.get(), t);
        }
    }

    @Test
    void aBurstIsLoggedOnceThenOncePerQuietInterval() {
        RecordingLogger rec = new RecordingLogger();
        FailureLog log = new FailureLog(rec, "source");
        RuntimeException first = new IllegalStateException("first");
        assertTrue(log.failed(0, "src", first));
        // A source that throws on every turn for almost ten seconds: not one more line.
        for (long t = 1; t < 1000; t++) {
            assertFalse(log.failed(t * 10_000_000L, "src", new IllegalStateException()));
        }
        assertEquals(1, rec.messages.size());
        assertSame(first, rec.thrown.get(0), "the first failure is logged with its stack trace");
        assertTrue(rec.messages.get(0).startsWith("WARNING source src on the event loop threw"), rec.messages.get(0));
        assertEquals(999, log.suppressed());

        assertTrue(log.failed(FailureLog.QUIET_NANOS, "src", new IllegalStateException("later")));
        assertEquals(2, rec.messages.size());
        assertTrue(rec.messages.get(1).contains("999 further source failures not logged"), rec.messages.get(1));
        assertEquals(0, log.suppressed());
    }

    @Test
    void theIntervalIsWrapSafe() {
        RecordingLogger rec = new RecordingLogger();
        FailureLog log = new FailureLog(rec, "timer");
        long nearWrap = Long.MAX_VALUE - 5;
        assertTrue(log.failed(nearWrap, "t", new RuntimeException()));
        assertFalse(log.failed(nearWrap + 10, "t", new RuntimeException()), "across the wrap, still inside the interval");
        assertTrue(log.failed(nearWrap + FailureLog.QUIET_NANOS, "t", new RuntimeException()));
        assertEquals(2, rec.messages.size());
    }
}
