package org.lwip4j.netif.tap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one TAP/TUN driver, for benchmarks and diagnosis (the stack's own
 * {@code Stats.link} and {@code NetifCounters} count frames too). Plain fields are written
 * on the stack's loop; the atomic ones by the reader thread.
 */
public final class DriverStats {
    /** Frames handed to the netif. */
    public long rxFrames;
    /** Bytes of those frames (without virtio-net header). */
    public long rxBytes;
    /** Loop turns (or hand-offs) that delivered at least one frame. */
    public long rxBatches;
    /** Reads that found nothing ({@code EAGAIN}). */
    public long rxEmptyReads;
    /** Frames read and dropped because the pbuf pool was empty. */
    public long rxMemDrops;
    /** Frames dropped as too short or longer than the receive buffer. */
    public long rxLengthErrors;
    /** Frames read that carried GSO (super-frames). */
    public long rxGsoFrames;
    /** Frames the reader thread dropped because the queue to the loop was full. */
    public final AtomicLong rxQueueDrops = new AtomicLong();
    /** Reads the reader thread made (frames plus empty reads). */
    public final AtomicLong rxThreadReads = new AtomicLong();
    /** Wakeups of the loop by the reader thread. */
    public final AtomicLong loopWakeups = new AtomicLong();
    /** Frames written. */
    public long txFrames;
    /** Bytes written (without virtio-net header). */
    public long txBytes;
    /** Frames copied into the off-heap scratch buffer before writing (heap or long chains). */
    public long txCopies;
    /** Frames written straight from a heap array (critical call, no copy). */
    public long txHeapDirect;
    /** Writes refused for now ({@code EAGAIN}, {@code ENOBUFS}). */
    public long txBusy;
    /** Writes that failed otherwise (device gone or down, bad frame). */
    public long txErrors;

    DriverStats() {
    }

    @Override
    public String toString() {
        return "rx=" + rxFrames + "/" + rxBytes + "B batches=" + rxBatches + " empty=" + rxEmptyReads + " memdrop=" + rxMemDrops
                + " lenerr=" + rxLengthErrors + " gso=" + rxGsoFrames + " qdrop=" + rxQueueDrops.get() + " wakeups="
                + loopWakeups.get() + " tx=" + txFrames + "/" + txBytes + "B copies=" + txCopies + " heapDirect=" + txHeapDirect
                + " busy=" + txBusy + " err=" + txErrors;
    }
}
