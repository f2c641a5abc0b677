package org.lwip4j.netif.pcap;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.lwip4j.buffer.Pbuf;

/**
 * Writes captured frames to a file tcpdump, tshark and Wireshark read: classic pcap
 * (microsecond or nanosecond timestamps, one link type per file) or pcapng (any number of
 * interfaces with their own link types and names, nanosecond timestamps, and the direction
 * of every frame in its {@code epb_flags}). All numbers are written little-endian.
 *
 * <p>By default every record is written through to the file at once (as {@code tcpdump -U}),
 * so the capture can be read while the stack runs; with {@link Builder#flushEachRecord(boolean)
 * flushEachRecord(false)} records are buffered (256 KiB) until {@link #flush()}, a full
 * buffer, or {@link #close()}. Thread-safe: stacks on several threads may share one writer.
 *
 * <p>Formats: classic pcap as in {@code pcap-savefile(5)} /
 * draft-ietf-opsawg-pcap; pcapng as in draft-ietf-opsawg-pcapng (SHB, IDB, EPB).
 */
public final class PcapWriter implements Closeable, Flushable {
    /** {@code LINKTYPE_ETHERNET}: Ethernet II frames (TAP, virtual switch). */
    public static final int LINKTYPE_ETHERNET = 1;
    /** {@code LINKTYPE_RAW}: bare IPv4 or IPv6 packets (TUN, loopback, PPP payloads). */
    public static final int LINKTYPE_RAW = 101;
    /** {@code LINKTYPE_IEEE802_15_4_NOFCS}: 802.15.4 frames without FCS. */
    public static final int LINKTYPE_IEEE802_15_4_NOFCS = 230;
    /** Largest snapshot length readers accept without complaint. */
    public static final int MAX_SNAPLEN = 262144;

    /** The file format. */
    public enum Format {
        /** Classic pcap, microsecond timestamps (magic {@code 0xa1b2c3d4}). */
        PCAP,
        /** Classic pcap, nanosecond timestamps (magic {@code 0xa1b23c4d}). */
        PCAP_NANO,
        /** pcapng: several interfaces, nanosecond timestamps, directions recorded. */
        PCAPNG
    }

    static final int PCAP_MAGIC_MICRO = 0xa1b2c3d4;
    static final int PCAP_MAGIC_NANO = 0xa1b23c4d;
    static final int PCAP_HEADER_LEN = 24;
    static final int PCAP_RECORD_HEADER_LEN = 16;
    static final int NG_SHB = 0x0A0D0D0A;
    static final int NG_IDB = 0x00000001;
    static final int NG_EPB = 0x00000006;
    static final int NG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int NG_OPT_END = 0;
    static final int NG_SHB_USERAPPL = 4;
    static final int NG_IF_NAME = 2;
    static final int NG_IF_TSRESOL = 9;
    static final int NG_EPB_FLAGS = 2;
    /** {@code epb_flags} direction bits: 01 inbound, 10 outbound. */
    static final int NG_FLAG_INBOUND = 1;
    static final int NG_FLAG_OUTBOUND = 2;

    private static final int BUFFER = MAX_SNAPLEN + 4096;

    private final WritableByteChannel out;
    private final Format format;
    private final int snaplen;
    private final boolean flushEachRecord;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment bufSeg = MemorySegment.ofArray(buf.array());
    private final List<Integer> linkTypes = new ArrayList<>();
    private long records;
    private long bytes;
    private boolean closed;

    private PcapWriter(WritableByteChannel out, Format format, int linkType, int snaplen, boolean flushEachRecord, String application)
            throws IOException {
        this.out = out;
        this.format = format;
        this.snaplen = snaplen;
        this.flushEachRecord = flushEachRecord;
        if (format == Format.PCAPNG) {
            writeSectionHeader(application);
        } else {
            buf.putInt(format == Format.PCAP ? PCAP_MAGIC_MICRO : PCAP_MAGIC_NANO);
            buf.putShort((short) 2).putShort((short) 4);
            buf.putInt(0).putInt(0);
            buf.putInt(snaplen);
            buf.putInt(linkType);
            linkTypes.add(linkType);
        }
        drain();
    }

    /** A builder for a writer in {@code format}. */
    public static Builder builder(Format format) {
        return new Builder(format);
    }

    /** A classic (microsecond) pcap file of frames of {@code linkType}, flushed after every record. */
    public static PcapWriter pcap(Path file, int linkType) throws IOException {
        return builder(Format.PCAP).linkType(linkType).open(file);
    }

    /** A pcapng file, flushed after every record; add interfaces with {@link #addInterface}. */
    public static PcapWriter pcapng(Path file) throws IOException {
        return builder(Format.PCAPNG).open(file);
    }

    /** Configures and opens a {@link PcapWriter}. */
    public static final class Builder {
        private final Format format;
        private int linkType = LINKTYPE_ETHERNET;
        private int snaplen = MAX_SNAPLEN;
        private boolean flushEachRecord = true;
        private String application = "lwip4j";

        private Builder(Format format) {
            this.format = Objects.requireNonNull(format);
        }

        /** The link type of a classic pcap file (ignored for pcapng, whose interfaces carry their own). */
        public Builder linkType(int v) {
            if (v < 0 || v > 0xffff) {
                throw new IllegalArgumentException("link type out of range: " + v);
            }
            linkType = v;
            return this;
        }

        /** Most bytes kept of each frame (1..{@value #MAX_SNAPLEN}); longer frames are cut, their original length kept. */
        public Builder snaplen(int v) {
            if (v < 1 || v > MAX_SNAPLEN) {
                throw new IllegalArgumentException("snaplen must be 1.." + MAX_SNAPLEN + ", not " + v);
            }
            snaplen = v;
            return this;
        }

        /** Write every record through at once (default), or buffer until flush. */
        public Builder flushEachRecord(boolean v) {
            flushEachRecord = v;
            return this;
        }

        /** The application named in a pcapng section header ({@code shb_userappl}). */
        public Builder application(String v) {
            application = Objects.requireNonNull(v);
            return this;
        }

        /** Creates (or truncates) {@code file} and writes the file header. */
        public PcapWriter open(Path file) throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            try {
                return new PcapWriter(ch, format, linkType, snaplen, flushEachRecord, application);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        /** Writes to {@code channel}, which the writer closes on {@link #close()}. */
        public PcapWriter open(WritableByteChannel channel) throws IOException {
            return new PcapWriter(channel, format, linkType, snaplen, flushEachRecord, application);
        }
    }

    /** The file format. */
    public Format format() {
        return format;
    }

    /** The snapshot length. */
    public int snaplen() {
        return snaplen;
    }

    /** Records written so far. */
    public long records() {
        lock.lock();
        try {
            return records;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Declares an interface and returns its id for {@code write}. pcapng: a new interface
     * description block with {@code name} (may be {@code null}) and {@code linkType}. Classic
     * pcap: 0 when {@code linkType} is the file's; a file holds only one link type, so another
     * throws {@link IllegalArgumentException}.
     */
    public int addInterface(String name, int linkType) throws IOException {
        lock.lock();
        try {
            checkOpen();
            if (format != Format.PCAPNG) {
                if (linkType != linkTypes.get(0)) {
                    throw new IllegalArgumentException("a classic pcap file holds one link type (" + linkTypes.get(0)
                            + "), not also " + linkType + "; use Format.PCAPNG");
                }
                return 0;
            }
            byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
            int opts = (name == null ? 0 : 4 + pad4(nameBytes.length)) + 4 + 4 + 4;
            int total = 20 + opts;
            ensure(total);
            buf.putInt(NG_IDB).putInt(total);
            buf.putShort((short) linkType).putShort((short) 0);
            buf.putInt(snaplen);
            if (name != null) {
                putOption(NG_IF_NAME, nameBytes, nameBytes.length);
            }
            buf.putShort((short) NG_IF_TSRESOL).putShort((short) 1).put((byte) 9).put((byte) 0).putShort((short) 0);
            buf.putShort((short) NG_OPT_END).putShort((short) 0);
            buf.putInt(total);
            linkTypes.add(linkType);
            drain();
            return linkTypes.size() - 1;
        } finally {
            lock.unlock();
        }
    }

    /** The link type of interface {@code id}. */
    public int linkType(int id) {
        lock.lock();
        try {
            return linkTypes.get(id);
        } finally {
            lock.unlock();
        }
    }

    /** Number of interfaces declared (1 for classic pcap). */
    public int interfaceCount() {
        lock.lock();
        try {
            return linkTypes.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes one frame: the whole pbuf chain, cut to the snapshot length.
     *
     * @param iface      interface id from {@link #addInterface} (0 for classic pcap)
     * @param epochNanos timestamp, nanoseconds since 1970-01-01 UTC
     * @param outbound   true for a frame sent, false for one received (pcapng records it)
     */
    public void write(int iface, long epochNanos, Pbuf frame, boolean outbound) throws IOException {
        int len = frame.totalLength();
        int cap = Math.min(len, snaplen);
        lock.lock();
        try {
            int at = beginRecord(iface, epochNanos, cap, len);
            frame.copyTo(0, bufSeg, at, cap);
            buf.position(at + cap);
            endRecord(cap, outbound);
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code len} bytes of {@code data} from {@code off} as one frame; see {@link #write(int, long, Pbuf, boolean)}. */
    public void write(int iface, long epochNanos, MemorySegment data, long off, int len, boolean outbound) throws IOException {
        int cap = Math.min(len, snaplen);
        lock.lock();
        try {
            int at = beginRecord(iface, epochNanos, cap, len);
            MemorySegment.copy(data, off, bufSeg, at, cap);
            buf.position(at + cap);
            endRecord(cap, outbound);
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code frame} as one frame; see {@link #write(int, long, Pbuf, boolean)}. */
    public void write(int iface, long epochNanos, byte[] frame, boolean outbound) throws IOException {
        write(iface, epochNanos, MemorySegment.ofArray(frame), 0, frame.length, outbound);
    }

    private int beginRecord(int iface, long epochNanos, int cap, int len) throws IOException {
        checkOpen();
        if (iface < 0 || iface >= linkTypes.size()) {
            throw new IllegalArgumentException("no interface " + iface + " in this capture (declare it with addInterface)");
        }
        if (format == Format.PCAPNG) {
            ensure(28 + pad4(cap) + 12 + 4);
            int total = 28 + pad4(cap) + 12 + 4;
            buf.putInt(NG_EPB).putInt(total);
            buf.putInt(iface);
            buf.putInt((int) (epochNanos >>> 32)).putInt((int) epochNanos);
            buf.putInt(cap).putInt(len);
        } else {
            ensure(PCAP_RECORD_HEADER_LEN + cap);
            long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
            long frac = Math.floorMod(epochNanos, 1_000_000_000L);
            buf.putInt((int) sec);
            buf.putInt((int) (format == Format.PCAP ? frac / 1000 : frac));
            buf.putInt(cap).putInt(len);
        }
        return buf.position();
    }

    private void endRecord(int cap, boolean outbound) throws IOException {
        if (format == Format.PCAPNG) {
            for (int i = cap; i < pad4(cap); i++) {
                buf.put((byte) 0);
            }
            buf.putShort((short) NG_EPB_FLAGS).putShort((short) 4).putInt(outbound ? NG_FLAG_OUTBOUND : NG_FLAG_INBOUND);
            buf.putShort((short) NG_OPT_END).putShort((short) 0);
            buf.putInt(28 + pad4(cap) + 12 + 4);
        }
        records++;
        if (flushEachRecord) {
            drain();
        }
    }

    private void writeSectionHeader(String application) {
        byte[] app = application.getBytes(StandardCharsets.UTF_8);
        int total = 28 + 4 + pad4(app.length) + 4;
        buf.putInt(NG_SHB).putInt(total);
        buf.putInt(NG_BYTE_ORDER_MAGIC);
        buf.putShort((short) 1).putShort((short) 0);
        buf.putLong(-1L);
        putOption(NG_SHB_USERAPPL, app, app.length);
        buf.putShort((short) NG_OPT_END).putShort((short) 0);
        buf.putInt(total);
    }

    private void putOption(int code, byte[] value, int len) {
        buf.putShort((short) code).putShort((short) len);
        buf.put(value, 0, len);
        for (int i = len; i < pad4(len); i++) {
            buf.put((byte) 0);
        }
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private void ensure(int n) throws IOException {
        if (buf.remaining() < n) {
            drain();
        }
    }

    /** Writes the buffered bytes to the channel. */
    private void drain() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            bytes += out.write(buf);
        }
        buf.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("pcap writer is closed");
        }
    }

    /** Writes buffered records to the file. */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            if (!closed) {
                drain();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes and closes the file; idempotent. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                drain();
            } finally {
                closed = true;
                out.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
