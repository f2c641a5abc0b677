package org.lwip4j.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A packet buffer: a chain of nodes, each a window over a {@code byte[]} or an off-heap
 * {@link MemorySegment}, with header room in front of the first node's payload (lwIP's
 * {@code struct pbuf}).
 *
 * <p>Every node carries {@link #length()}, the bytes it holds, and {@link #totalLength()},
 * the bytes it and all nodes after it hold. A pbuf is reference counted: {@link #ref()}
 * takes a reference, {@link #free()} drops one and returns the node (and, when the chain
 * loses its last reference, the nodes after it) to the pool it came from. A freed pbuf
 * must not be touched again; public accessors check this and throw
 * {@link IllegalStateException} instead of reading memory that now belongs to another
 * packet.
 *
 * <p>Pbufs belong to one stack and are used on its event loop only; they are not
 * thread-safe.
 */
public final class Pbuf {
    /** Offload flag: the checksum at {@link #checksumStart()}+{@link #checksumOffset()} is partial and must be completed (virtio-net NEEDS_CSUM). */
    public static final int OFFLOAD_NEEDS_CSUM = 1;
    /** Offload flag: the device vouches for the checksums of this frame (virtio-net DATA_VALID). */
    public static final int OFFLOAD_DATA_VALID = 2;

    /** Where a node's memory comes from, as lwIP's {@code pbuf_type}. */
    public enum Kind {
        /** Fixed-size buffer from the stack's pool ({@code PBUF_POOL}). */
        POOL,
        /** Buffer sized for the request, counted against the stack's memory budget ({@code PBUF_RAM}). */
        RAM,
        /** Memory the caller owns, referenced without a copy ({@code PBUF_REF}/{@code PBUF_ROM}). */
        REF
    }

    final PbufPool pool;
    /** For a pool buffer: its slot of the pool's slab, kept across reuse. */
    MemorySegment homeMem;
    Kind kind;
    MemorySegment mem;
    byte[] array;
    int offset;
    /** Lowest offset the payload may start at: 0 for our own memory; where the caller's began for {@code REF}. */
    int floor;
    int len;
    int totLen;
    Pbuf next;
    int ref;
    int capacity;
    /** For a {@link PbufPool#view view}: the node whose memory it shows, referenced until this node is released. */
    Pbuf pinned;

    int offloadFlags;
    int gsoType;
    int gsoSize;
    int csumStart;
    int csumOffset;

    Pbuf(PbufPool pool) {
        this.pool = pool;
    }

    void init(Kind kind, MemorySegment mem, byte[] array, int offset, int len, int capacity) {
        this.kind = kind;
        this.mem = mem;
        this.array = array;
        this.offset = offset;
        this.floor = kind == Kind.REF ? offset : 0;
        this.len = len;
        this.totLen = len;
        this.capacity = capacity;
        this.next = null;
        this.pinned = null;
        this.ref = 1;
        this.offloadFlags = 0;
        this.gsoType = 0;
        this.gsoSize = 0;
        this.csumStart = 0;
        this.csumOffset = 0;
    }

    /**
     * Wraps memory the caller owns as a single-node pbuf without copying it
     * ({@code PBUF_REF}). The pbuf has no header room and belongs to no pool; the caller
     * must not change the bytes while the pbuf is alive.
     */
    public static Pbuf wrap(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        Pbuf p = new Pbuf(null);
        p.init(Kind.REF, MemorySegment.ofArray(data), data, off, len, data.length);
        return p;
    }

    /** Wraps all of {@code data}; see {@link #wrap(byte[], int, int)}. */
    public static Pbuf wrap(byte[] data) {
        return wrap(data, 0, data.length);
    }

    /** Wraps a memory segment the caller owns (off-heap or heap) without copying. */
    public static Pbuf wrap(MemorySegment data) {
        if (data.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segment larger than 2 GiB");
        }
        Pbuf p = new Pbuf(null);
        p.init(Kind.REF, data, null, 0, (int) data.byteSize(), (int) data.byteSize());
        return p;
    }

    /** A fresh heap pbuf holding a copy of {@code data}, with {@code headroom} bytes in front; belongs to no pool. */
    public static Pbuf copyOf(byte[] data, int headroom) {
        byte[] a = new byte[headroom + data.length];
        System.arraycopy(data, 0, a, headroom, data.length);
        Pbuf p = new Pbuf(null);
        p.init(Kind.RAM, MemorySegment.ofArray(a), a, headroom, data.length, a.length);
        return p;
    }

    private void live() {
        if (ref <= 0) {
            throw new IllegalStateException(PbufTracking.describe("pbuf used after it was freed", this));
        }
    }

    /** Throws {@link IllegalStateException} when this node has been freed; for the package's other classes. */
    void checkLive() {
        live();
    }

    /** Counts a free of a node that was already freed against its pool, then throws. */
    private void freedTwice() {
        if (pool != null) {
            pool.countIllegal(kind);
        }
        throw new IllegalStateException(PbufTracking.describe("pbuf freed after it was freed: " + this, this));
    }

    /** The node's whole backing memory; the payload is at {@link #offset()}. */
    public MemorySegment segment() {
        live();
        return mem;
    }

    /** The backing array when the node lives on the heap, else {@code null}. */
    public byte[] array() {
        live();
        return array;
    }

    /** Offset of this node's payload within {@link #segment()}. */
    public int offset() {
        return offset;
    }

    /** Payload bytes in this node. */
    public int length() {
        return len;
    }

    /** Payload bytes in this node and all nodes after it. */
    public int totalLength() {
        return totLen;
    }

    /** The next node of the chain, or {@code null}. */
    public Pbuf next() {
        return next;
    }

    /** Where this node's memory comes from. */
    public Kind kind() {
        return kind;
    }

    /** Current reference count (0 once freed). */
    public int refCount() {
        return ref;
    }

    /** Bytes in front of the payload of this node that {@link #addHeader(int)} may take. */
    public int headroom() {
        return offset - floor;
    }

    /** Number of nodes in the chain from this one ({@code pbuf_clen}). */
    public int chainLength() {
        int n = 0;
        for (Pbuf q = this; q != null; q = q.next) {
            n++;
        }
        return n;
    }

    /**
     * True when the stack may edit this chain's bytes in place: every node is referenced
     * only once and none is caller memory ({@code REF}). Otherwise copy before editing:
     * someone else still reads these bytes.
     */
    public boolean isExclusive() {
        for (Pbuf q = this; q != null; q = q.next) {
            if (q.ref != 1 || q.kind == Kind.REF) {
                return false;
            }
        }
        return true;
    }

    /** Takes one more reference ({@code pbuf_ref}); returns this pbuf. */
    public Pbuf ref() {
        live();
        ref++;
        if (PbufTracking.TRACKER != null && pool != null) {
            PbufTracking.TRACKER.touched(this, "ref");
        }
        return this;
    }

    /**
     * Drops one reference ({@code pbuf_free}). When it was the last, the node goes back to
     * its pool and the same is done for the next node (whose reference this node held),
     * until a node that is still referenced elsewhere. Returns how many nodes were released.
     *
     * @throws IllegalStateException when this pbuf, or a node it links to, was already
     *         freed (counted as {@link PoolStats#illegal}); nodes before that one have been
     *         released
     */
    public int free() {
        if (ref <= 0) {
            freedTwice();
        }
        int n = 0;
        Pbuf q = this;
        while (q != null) {
            if (q.ref <= 0) {
                // A node after the head lost its last reference elsewhere while this chain
                // still linked to it (the caller freed a tail it had handed to concat).
                q.freedTwice();
            }
            if (--q.ref > 0) {
                if (PbufTracking.TRACKER != null && q.pool != null) {
                    PbufTracking.TRACKER.touched(q, "free, refs left");
                }
                break;
            }
            Pbuf nx = q.next;
            q.next = null;
            q.release();
            n++;
            q = nx;
        }
        return n;
    }

    private void release() {
        MemorySegment m = mem;
        mem = null;
        byte[] a = array;
        array = null;
        Pbuf pin = pinned;
        pinned = null;
        if (pool != null) {
            pool.recycle(this, m, a);
        }
        if (pin != null) {
            pin.free();
        }
    }

    /**
     * Moves the payload start back by {@code n} bytes to make room for a header
     * ({@code pbuf_add_header}). Returns false, changing nothing, when the header room is too
     * small. A node over caller memory ({@code REF}) has no room of its own, but can take back
     * a header removed earlier: it never reaches in front of the bytes it was given.
     */
    public boolean addHeader(int n) {
        live();
        if (n < 0 || n > offset - floor) {
            return false;
        }
        offset -= n;
        len += n;
        totLen += n;
        csumStart += n;
        return true;
    }

    /**
     * Moves the payload start forward by {@code n} bytes, hiding a header that has been
     * consumed ({@code pbuf_remove_header}). Returns false, changing nothing, when this node
     * holds fewer than {@code n} bytes.
     */
    public boolean removeHeader(int n) {
        live();
        if (n < 0 || n > len) {
            return false;
        }
        offset += n;
        len -= n;
        totLen -= n;
        csumStart -= n;
        return true;
    }

    /**
     * Drops the first {@code n} bytes of the chain, freeing nodes that become empty
     * ({@code pbuf_free_header}); the caller's reference moves to the returned node. Returns
     * the new head (this pbuf when no node was dropped), or {@code null} when {@code n}
     * covered the whole chain.
     *
     * <p>Unlike lwIP, a dropped node that is still referenced elsewhere keeps its link to
     * the rest of the chain (and the rest gains the caller's reference), so another holder
     * of that node still sees all of its chain.
     *
     * @throws IllegalArgumentException when {@code n} is negative
     */
    public Pbuf dropHeader(int n) {
        live();
        if (n < 0) {
            throw new IllegalArgumentException("negative header size " + n);
        }
        Pbuf q = this;
        int left = n;
        while (q != null && left > 0 && left >= q.len) {
            left -= q.len;
            Pbuf nx = q.next;
            if (q.ref > 1) {
                q.ref--;
                if (PbufTracking.TRACKER != null && q.pool != null) {
                    PbufTracking.TRACKER.touched(q, "free, refs left");
                }
                if (nx != null) {
                    nx.ref++;
                    if (PbufTracking.TRACKER != null && nx.pool != null) {
                        PbufTracking.TRACKER.touched(nx, "ref");
                    }
                }
            } else {
                q.next = null;
                q.free();
            }
            q = nx;
        }
        if (q != null && left > 0) {
            q.removeHeader(left);
        }
        return q;
    }

    /**
     * Shrinks the chain to {@code newTotLen} bytes ({@code pbuf_realloc}): nodes past the new
     * end are freed. Growing is not possible and throws.
     */
    public void truncate(int newTotLen) {
        live();
        if (newTotLen < 0 || newTotLen > totLen) {
            throw new IllegalArgumentException("cannot truncate " + totLen + " bytes to " + newTotLen);
        }
        int shrink = totLen - newTotLen;
        Pbuf q = this;
        int rem = newTotLen;
        while (rem > q.len) {
            rem -= q.len;
            q.totLen -= shrink;
            q = q.next;
        }
        q.len = rem;
        q.totLen = rem;
        if (q.next != null) {
            Pbuf rest = q.next;
            q.next = null;
            rest.free();
        }
    }

    /**
     * Appends {@code tail} to the end of this chain, taking over the caller's reference to it
     * ({@code pbuf_cat}). The caller must not free {@code tail} afterwards.
     */
    public void concat(Pbuf tail) {
        live();
        Objects.requireNonNull(tail, "tail");
        tail.live();
        if (tail == this) {
            throw new IllegalArgumentException("cannot concatenate a pbuf to itself");
        }
        Pbuf q = this;
        while (q.next != null) {
            q.totLen += tail.totLen;
            q = q.next;
        }
        q.totLen += tail.totLen;
        q.next = tail;
    }

    /**
     * Appends {@code tail} and takes a new reference to it ({@code pbuf_chain}): the caller
     * keeps its own reference and frees it as usual.
     */
    public void chain(Pbuf tail) {
        concat(tail);
        tail.ref();
    }

    /**
     * Splits the chain at byte {@code at}: this pbuf keeps bytes {@code [0, at)} and the
     * returned pbuf holds the rest. A node
     * that straddles the split is divided by copying its tail into a buffer from the same
     * pool; returns {@code null} and changes nothing if that buffer cannot be had (a split on
     * a node boundary never needs memory).
     *
     * @throws IllegalArgumentException when {@code at} is outside {@code (0, totalLength())}
     */
    public Pbuf split(int at) {
        live();
        if (at <= 0 || at >= totLen) {
            throw new IllegalArgumentException("split point " + at + " outside (0, " + totLen + ")");
        }
        Pbuf q = this;
        int rem = at;
        while (rem > q.len) {
            rem -= q.len;
            q = q.next;
        }
        Pbuf rest;
        if (rem == q.len) {
            rest = q.next;
        } else {
            int tailLen = q.len - rem;
            PbufPool from = q.pool != null ? q.pool : pool;
            Pbuf copy = from != null ? from.allocRam(Layer.RAW, tailLen) : heapNode(tailLen);
            if (copy == null) {
                return null;
            }
            MemorySegment.copy(q.mem, q.offset + rem, copy.mem, copy.offset, tailLen);
            copy.next = q.next;
            copy.totLen = tailLen + (q.next == null ? 0 : q.next.totLen);
            rest = copy;
            q.len = rem;
        }
        q.next = null;
        int restLen = totLen - at;
        for (Pbuf r = this; r != null; r = r.next) {
            r.totLen -= restLen;
        }
        return rest;
    }

    private static Pbuf heapNode(int n) {
        byte[] a = new byte[n];
        Pbuf p = new Pbuf(null);
        p.init(Kind.RAM, MemorySegment.ofArray(a), a, 0, n, n);
        return p;
    }

    /** The byte at chain offset {@code off} ({@code pbuf_get_at}). */
    public int getByte(int off) {
        live();
        Objects.checkIndex(off, totLen);
        Pbuf q = this;
        while (off >= q.len) {
            off -= q.len;
            q = q.next;
        }
        return q.mem.get(ValueLayout.JAVA_BYTE, q.offset + off) & 0xff;
    }

    /** Writes the byte at chain offset {@code off} ({@code pbuf_put_at}). */
    public void setByte(int off, int value) {
        live();
        Objects.checkIndex(off, totLen);
        Pbuf q = this;
        while (off >= q.len) {
            off -= q.len;
            q = q.next;
        }
        q.mem.set(ValueLayout.JAVA_BYTE, q.offset + off, (byte) value);
    }

    /** Big-endian 16-bit value at chain offset {@code off}, which may straddle two nodes. */
    public int getU16(int off) {
        return (getByte(off) << 8) | getByte(off + 1);
    }

    /**
     * Copies {@code n} bytes from chain offset {@code off} into {@code dst}
     * ({@code pbuf_copy_partial}).
     */
    public void copyTo(int off, MemorySegment dst, long dstOff, int n) {
        live();
        Objects.checkFromIndexSize(off, n, totLen);
        Pbuf q = this;
        while (off > 0 && off >= q.len) {
            off -= q.len;
            q = q.next;
        }
        while (n > 0) {
            int c = Math.min(n, q.len - off);
            MemorySegment.copy(q.mem, q.offset + off, dst, dstOff, c);
            dstOff += c;
            n -= c;
            off = 0;
            q = q.next;
        }
    }

    /** Copies {@code n} bytes from chain offset {@code off} into {@code dst[dstOff..]}. */
    public void copyTo(int off, byte[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        live();
        Objects.checkFromIndexSize(off, n, totLen);
        Pbuf q = this;
        while (off > 0 && off >= q.len) {
            off -= q.len;
            q = q.next;
        }
        while (n > 0) {
            int c = Math.min(n, q.len - off);
            // The array overload: no MemorySegment view of dst per call (hot: TCP receive).
            MemorySegment.copy(q.mem, ValueLayout.JAVA_BYTE, q.offset + off, dst, dstOff, c);
            dstOff += c;
            n -= c;
            off = 0;
            q = q.next;
        }
    }

    /** The whole chain's payload as a new array (for tests and slow paths). */
    public byte[] toByteArray() {
        byte[] out = new byte[totLen];
        copyTo(0, out, 0, totLen);
        return out;
    }

    /** Copies {@code n} bytes of {@code src} into the chain at offset {@code off} ({@code pbuf_take_at}). */
    public void copyFrom(int off, MemorySegment src, long srcOff, int n) {
        live();
        Objects.checkFromIndexSize(off, n, totLen);
        Pbuf q = this;
        while (off > 0 && off >= q.len) {
            off -= q.len;
            q = q.next;
        }
        while (n > 0) {
            int c = Math.min(n, q.len - off);
            MemorySegment.copy(src, srcOff, q.mem, q.offset + off, c);
            srcOff += c;
            n -= c;
            off = 0;
            q = q.next;
        }
    }

    /** Copies {@code src[srcOff..srcOff+n)} into the chain at offset {@code off}. */
    public void copyFrom(int off, byte[] src, int srcOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        live();
        Objects.checkFromIndexSize(off, n, totLen);
        Pbuf q = this;
        while (off > 0 && off >= q.len) {
            off -= q.len;
            q = q.next;
        }
        while (n > 0) {
            int c = Math.min(n, q.len - off);
            // The array overload: no MemorySegment view of src per call (hot: TCP segments).
            MemorySegment.copy(src, srcOff, q.mem, ValueLayout.JAVA_BYTE, q.offset + off, c);
            srcOff += c;
            n -= c;
            off = 0;
            q = q.next;
        }
    }

    /**
     * Copies {@code n} bytes from {@code src} at {@code srcOff} into this chain at {@code off};
     * the chains may be shaped differently ({@code pbuf_copy_partial_pbuf}). Both chains are
     * walked once.
     */
    public void copyFrom(int off, Pbuf src, int srcOff, int n) {
        live();
        src.live();
        Objects.checkFromIndexSize(off, n, totLen);
        Objects.checkFromIndexSize(srcOff, n, src.totLen);
        Pbuf d = this;
        while (off > 0 && off >= d.len) {
            off -= d.len;
            d = d.next;
        }
        Pbuf s = src;
        while (srcOff > 0 && srcOff >= s.len) {
            srcOff -= s.len;
            s = s.next;
        }
        while (n > 0) {
            int c = Math.min(n, Math.min(d.len - off, s.len - srcOff));
            if (c > 0) {
                MemorySegment.copy(s.mem, s.offset + srcOff, d.mem, d.offset + off, c);
                n -= c;
                off += c;
                srcOff += c;
            }
            if (off == d.len) {
                d = d.next;
                off = 0;
            }
            if (srcOff == s.len) {
                s = s.next;
                srcOff = 0;
            }
        }
    }

    /** True when chain bytes {@code [off, off+n)} lie in this first node, so a header view may be taken over {@link #segment()}. */
    public boolean isContiguous(int off, int n) {
        return off >= 0 && n >= 0 && off + n <= len;
    }

    /** Offload flags ({@link #OFFLOAD_NEEDS_CSUM}, {@link #OFFLOAD_DATA_VALID}) for the frame, as a driver reports or wants them. */
    public int offloadFlags() {
        return offloadFlags;
    }

    /** Sets the offload flags. */
    public void setOffloadFlags(int flags) {
        this.offloadFlags = flags;
    }

    /** GSO type: none. */
    public static final int GSO_NONE = 0;
    /** GSO type: TCP over IPv4, cut into segments of {@link #gsoSize()} payload bytes. */
    public static final int GSO_TCPV4 = 1;
    /** GSO type: one UDP datagram to be IP-fragmented (UFO). */
    public static final int GSO_UDP = 3;
    /** GSO type: TCP over IPv6. */
    public static final int GSO_TCPV6 = 4;
    /** GSO type: UDP cut into datagrams of {@link #gsoSize()} payload bytes (USO). */
    public static final int GSO_UDP_L4 = 5;
    /** GSO flag: the TCP segments carry ECN (CWR on the first only). */
    public static final int GSO_ECN = 0x80;

    /** GSO type of a large frame (virtio-net {@code gso_type}: 0 none, 1 TCPv4, 3 UDP, 4 TCPv6). */
    public int gsoType() {
        return gsoType;
    }

    /** GSO segment size of a large frame (virtio-net {@code gso_size}). */
    public int gsoSize() {
        return gsoSize;
    }

    /** Marks the frame for segmentation offload. */
    public void setGso(int type, int size) {
        this.gsoType = type;
        this.gsoSize = size;
    }

    /**
     * Start of the checksummed region for a partial checksum, counted from this pbuf's first
     * payload byte; {@link #addHeader(int)} and {@link #removeHeader(int)} move it along, so
     * it keeps naming the same byte at every layer (from the frame's first byte on a link).
     */
    public int checksumStart() {
        return csumStart;
    }

    /** Where the checksum field lies, counted from {@link #checksumStart()}. */
    public int checksumOffset() {
        return csumOffset;
    }

    /**
     * True when the transport checksum need not be verified: a driver vouched for it
     * ({@link #OFFLOAD_DATA_VALID}), or the packet comes from the local host with its
     * checksum still to fill in ({@link #OFFLOAD_NEEDS_CSUM}, Linux's {@code CHECKSUM_PARTIAL}).
     */
    public boolean checksumTrusted() {
        return (offloadFlags & (OFFLOAD_DATA_VALID | OFFLOAD_NEEDS_CSUM)) != 0;
    }

    /**
     * Copies {@code src}'s offload marks (flags, partial checksum, GSO) to this pbuf, whose
     * first payload byte is {@code src}'s byte {@code -shift} (a header of {@code shift} bytes
     * in front: pass its length).
     */
    public void copyOffloadFrom(Pbuf src, int shift) {
        this.offloadFlags = src.offloadFlags;
        this.csumStart = src.csumStart + shift;
        this.csumOffset = src.csumOffset;
        this.gsoType = src.gsoType;
        this.gsoSize = src.gsoSize;
    }

    /** Declares a partial checksum to complete from {@code start}, stored at {@code start + offset} (virtio-net {@code csum_start/csum_offset}). */
    public void setChecksumPartial(int start, int offset) {
        this.csumStart = start;
        this.csumOffset = offset;
        this.offloadFlags |= OFFLOAD_NEEDS_CSUM;
    }

    @Override
    public String toString() {
        return "Pbuf[" + kind + " len=" + len + " tot=" + totLen + " ref=" + ref + (next != null ? " +" + (chainLength() - 1) : "") + "]";
    }
}
