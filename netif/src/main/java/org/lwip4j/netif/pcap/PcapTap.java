package org.lwip4j.netif.pcap;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.FrameTap;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;

/**
 * A {@link FrameTap} that records every frame a netif receives and sends into a
 * {@link PcapWriter}: Ethernet netifs as {@code LINKTYPE_ETHERNET}, bare-IP netifs (TUN,
 * loopback) as {@code LINKTYPE_RAW}. One tap may serve several netifs (of several stacks):
 * with pcapng each netif gets its own interface block, named after it; a classic pcap file
 * takes only netifs of its one link type and counts the frames of others as
 * {@link #skipped()}.
 *
 * <pre>{@code
 * PcapWriter w = PcapWriter.pcapng(Path.of("capture.pcapng"));
 * PcapTap tap = new PcapTap(w, PcapTap.Timestamps.WALL);
 * stack.execute(() -> netif.setTap(tap));
 * ...
 * tap.close();   // closes the file
 * }</pre>
 *
 * A write error stops the capture (logged once, counted in {@link #errors()}); it never
 * disturbs the stack.
 */
public final class PcapTap implements FrameTap, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.lwip4j.netif.pcap");

    /** Where timestamps come from. */
    public enum Timestamps {
        /**
         * The wall clock when the tap was made, advanced by the JVM's monotonic clock: real
         * dates, no jumps backwards.
         */
        WALL,
        /**
         * The stack's own {@code Clock} read as nanoseconds since 1970: deterministic with a
         * virtual clock (a simulation's capture is the same on every run).
         */
        STACK
    }

    private final PcapWriter writer;
    private final Timestamps timestamps;
    private final long wallOffset;
    private final Map<Netif, Integer> interfaces = new ConcurrentHashMap<>();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean failed;

    /** A tap writing to {@code writer} with timestamps from {@code timestamps}. */
    public PcapTap(PcapWriter writer, Timestamps timestamps) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.timestamps = Objects.requireNonNull(timestamps, "timestamps");
        this.wallOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    }

    /** A tap with {@link Timestamps#WALL} timestamps. */
    public PcapTap(PcapWriter writer) {
        this(writer, Timestamps.WALL);
    }

    /** The pcap link type for a netif's frames. */
    public static int linkTypeOf(Netif netif) {
        return netif.driver().linkType() == LinkType.ETHERNET ? PcapWriter.LINKTYPE_ETHERNET : PcapWriter.LINKTYPE_RAW;
    }

    /** The writer. */
    public PcapWriter writer() {
        return writer;
    }

    @Override
    public void frame(Netif netif, Pbuf frame, boolean outbound) {
        if (failed) {
            return;
        }
        try {
            Integer id = interfaces.get(netif);
            if (id == null) {
                id = declare(netif);
                if (id < 0) {
                    skipped.incrementAndGet();
                    return;
                }
            }
            long ts = timestamps == Timestamps.STACK ? netif.context().clock().nanoTime() : System.nanoTime() + wallOffset;
            writer.write(id, ts, frame, outbound);
            frames.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
            failed = true;
            LOG.log(System.Logger.Level.WARNING, "pcap capture stopped after a write error", e);
        }
    }

    private synchronized int declare(Netif netif) throws IOException {
        Integer id = interfaces.get(netif);
        if (id != null) {
            return id;
        }
        int lt = linkTypeOf(netif);
        int newId;
        if (writer.format() == PcapWriter.Format.PCAPNG) {
            newId = writer.addInterface(netif.name(), lt);
        } else if (writer.linkType(0) == lt) {
            newId = 0;
        } else {
            LOG.log(System.Logger.Level.INFO, () -> "netif " + netif.name() + " has link type " + lt
                    + " but the classic pcap file has " + writer.linkType(0) + "; its frames are not captured (use PCAPNG)");
            newId = -1;
        }
        interfaces.put(netif, newId);
        return newId;
    }

    /** Frames written. */
    public long frames() {
        return frames.get();
    }

    /** Frames not written because the file cannot hold their link type. */
    public long skipped() {
        return skipped.get();
    }

    /** Write errors (the first stops the capture). */
    public long errors() {
        return errors.get();
    }

    /** Writes buffered records to the file. */
    public void flush() throws IOException {
        writer.flush();
    }

    /** Closes the writer (and its file). Remove the tap from its netifs first ({@code netif.setTap(null)}). */
    @Override
    public void close() throws IOException {
        failed = true;
        writer.close();
    }
}
