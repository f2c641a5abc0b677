package org.lwip4j.buffer;

import java.util.ServiceLoader;

/**
 * Holds the JVM's {@link PbufTracker}, found once through {@link ServiceLoader}, or
 * {@code null} when the class path has none (production). The field is static and final, so
 * on the hot path {@code TRACKER != null} is a constant and the tracking code vanishes.
 */
final class PbufTracking {
    /** The installed tracker, or {@code null}. */
    static final PbufTracker TRACKER = ServiceLoader.load(PbufTracker.class, PbufTracker.class.getClassLoader())
            .findFirst().orElse(null);

    private PbufTracking() {
    }

    /** {@code message} with what the tracker knows about {@code p} appended. */
    static String describe(String message, Pbuf p) {
        PbufTracker t = TRACKER;
        if (t == null) {
            return message;
        }
        String h = t.history(p);
        return h.isEmpty() ? message : message + "\n" + h;
    }
}
