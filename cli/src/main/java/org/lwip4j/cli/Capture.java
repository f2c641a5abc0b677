package org.lwip4j.cli;

import java.io.IOException;
import org.lwip4j.netif.FrameTap;

/** A capture file being written: the tap to install on a netif, and its closing (which flushes). */
public interface Capture extends AutoCloseable {
    /** The tap that writes each frame to the file. */
    FrameTap tap();

    /** How many frames were written so far. */
    long frames();

    /** Flushes and closes the file; idempotent. */
    @Override
    void close() throws IOException;
}
