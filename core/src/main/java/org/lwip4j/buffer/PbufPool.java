package org.lwip4j.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stack's packet memory with hard limits: fixed-size off-heap buffers
 * ({@code PBUF_POOL}: {@code PBUF_POOL_SIZE} buffers of {@code PBUF_POOL_BUFSIZE} bytes) and
 * heap buffers sized per request ({@code PBUF_RAM}, at most {@code MEM_SIZE} bytes in use).
 *
 * <p>Nothing is allocated up front: pool buffers are carved lazily from off-heap slabs and
 * then reused, as are the {@link Pbuf} objects themselves, so a stack in steady state
 * allocates nothing per packet. Exhaustion is a {@code null} result and a counted error,
 * never an exception; the caller reports {@code Err.MEM} and counts its drop.
 *
 * <p>When assertions are enabled (as in every test run), the pool is <em>strict</em>: a freed
 * {@link Pbuf} object is never handed out again (its memory is, under a fresh object), so
 * a stale reference to a freed pbuf keeps throwing {@link IllegalStateException} instead
 * of silently reading or writing the next packet that reuses the object. Without
 * assertions node objects are recycled and a stale reference is only caught until the
 * object is reused.
 *
 * <p>When a {@link PbufTracker} is installed (in tests), the pool reports every node it hands
 * out and takes back, so a test can name where each pbuf it leaked was allocated.
 *
 * <p>Used on the owning stack's event loop only.
 */
public final class PbufPool {
    private static final int SLAB_BUFFERS = 16;
    private static final int NODE_CACHE = 256;
    /** A little under {@code Integer.MAX_VALUE}: the largest array a JVM will reliably make. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private final int bufSize;
    private final PoolStats poolStats;
    private final PoolStats ramStats;
    private final Arena arena = Arena.ofAuto();

    private Pbuf[] freePool = new Pbuf[SLAB_BUFFERS];
    private int freePoolCount;
    private long carved;
    private final Pbuf[] freeNodes = new Pbuf[NODE_CACHE];
    private int freeNodeCount;
    private final boolean strict;

    /**
     * @param poolSize    most pool buffers in use at once ({@code PBUF_POOL_SIZE})
     * @param bufSize     bytes per pool buffer, header room included ({@code PBUF_POOL_BUFSIZE})
     * @param ramBytes    most bytes of RAM pbufs in use at once ({@code MEM_SIZE})
     */
    public PbufPool(int poolSize, int bufSize, long ramBytes) {
        this(poolSize, bufSize, ramBytes, PbufPool.class.desiredAssertionStatus());
    }

    /**
     * As {@link #PbufPool(int, int, long)}, choosing strictness explicitly: a strict pool
     * never reuses a freed {@link Pbuf} object (see the class comment).
     */
    PbufPool(int poolSize, int bufSize, long ramBytes, boolean strict) {
        if (poolSize < 1 || bufSize < Layer.TRANSPORT.headroom() + 64 || ramBytes < 0) {
            throw new IllegalArgumentException("bad pbuf pool sizes: poolSize=" + poolSize + " bufSize=" + bufSize + " ramBytes=" + ramBytes);
        }
        this.bufSize = bufSize;
        this.strict = strict;
        this.poolStats = new PoolStats("PBUF_POOL", poolSize);
        this.ramStats = new PoolStats("MEM_RAM", ramBytes);
        if (PbufTracking.TRACKER != null) {
            PbufTracking.TRACKER.poolCreated(this);
        }
    }

    /** Bytes per pool buffer, header room included. */
    public int bufferSize() {
        return bufSize;
    }

    /** Counters of the fixed-size pool (in buffers). */
    public PoolStats poolStats() {
        return poolStats;
    }

    /** Counters of RAM pbufs (in bytes). */
    public PoolStats ramStats() {
        return ramStats;
    }

    /**
     * A pbuf of {@code length} payload bytes with {@code layer}'s header room, or
     * {@code null} when the memory it needs is exhausted ({@code pbuf_alloc}).
     * {@link Pbuf.Kind#POOL} gives a chain of pool buffers (only the first has header
     * room); {@link Pbuf.Kind#RAM} gives one contiguous node.
     */
    public Pbuf alloc(Layer layer, int length, Pbuf.Kind kind) {
        if (length < 0) {
            throw new IllegalArgumentException("negative pbuf length " + length);
        }
        return switch (kind) {
            case POOL -> allocPool(layer, length);
            case RAM -> allocRam(layer, length);
            case REF -> throw new IllegalArgumentException("REF pbufs wrap caller memory: use Pbuf.wrap");
        };
    }

    /**
     * {@code p} itself when its first node holds all its bytes, else one contiguous heap copy
     * of them ({@code p} then freed): what a parser that reads a small message in one segment
     * calls. Takes over {@code p}; {@code null} (with {@code p} freed) when memory is short.
     */
    public Pbuf contiguous(Pbuf p) {
        int len = p.totalLength();
        if (p.length() >= len) {
            return p;
        }
        Pbuf c = allocRam(Layer.RAW, len);
        if (c != null) {
            c.copyFrom(0, p, 0, len);
        }
        p.free();
        return c;
    }

    /**
     * {@code p} itself when the stack may edit its bytes in place ({@link Pbuf#isExclusive()}),
     * else a pool copy with {@code layer}'s header room and the same offload marks, {@code p}
     * then freed: what a layer calls before rewriting a packet someone else may still read.
     * Takes over {@code p}; {@code null} (with {@code p} freed) when the pool is empty.
     */
    public Pbuf writable(Pbuf p, Layer layer) {
        if (p.isExclusive()) {
            return p;
        }
        Pbuf copy = allocPool(layer, p.totalLength());
        if (copy != null) {
            copy.copyFrom(0, p, 0, p.totalLength());
            copy.copyOffloadFrom(p, 0);
        }
        p.free();
        return copy;
    }

    /**
     * A chain of pool buffers holding {@code length} bytes after {@code layer}'s header room,
     * or {@code null} (counted in {@link PoolStats#err}) when not enough buffers are free.
     *
     * @throws IllegalArgumentException when {@code length} is negative
     */
    public Pbuf allocPool(Layer layer, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative pbuf length " + length);
        }
        int room = layer.headroom();
        int first = Math.min(length, bufSize - room);
        int needed = 1 + (int) (((long) length - first + bufSize - 1) / bufSize);
        if (!poolStats.fits(needed)) {
            poolStats.err++;
            return null;
        }
        Pbuf head = takePoolBuffer(room, first);
        int rest = length - first;
        Pbuf tail = head;
        while (rest > 0) {
            int n = Math.min(rest, bufSize);
            Pbuf q = takePoolBuffer(0, n);
            tail.next = q;
            tail = q;
            rest -= n;
        }
        if (head.next != null) {
            int t = length;
            for (Pbuf q = head; q != null; q = q.next) {
                q.totLen = t;
                t -= q.len;
            }
        }
        return head;
    }

    private Pbuf takePoolBuffer(int offset, int len) {
        if (freePoolCount == 0) {
            carveSlab();
        }
        Pbuf p = freePool[--freePoolCount];
        freePool[freePoolCount] = null;
        p.init(Pbuf.Kind.POOL, p.homeMem, null, offset, len, bufSize);
        poolStats.take(1);
        if (PbufTracking.TRACKER != null) {
            PbufTracking.TRACKER.allocated(this, p);
        }
        return p;
    }

    private void carveSlab() {
        int n = (int) Math.min(SLAB_BUFFERS, Math.max(1, poolStats.avail - carved));
        MemorySegment slab = arena.allocate((long) bufSize * n, 64);
        if (freePool.length < freePoolCount + n) {
            freePool = Arrays.copyOf(freePool, Math.max(freePool.length * 2, freePoolCount + n));
        }
        for (int i = 0; i < n; i++) {
            Pbuf p = new Pbuf(this);
            p.homeMem = slab.asSlice((long) i * bufSize, bufSize);
            freePool[freePoolCount++] = p;
        }
        carved += n;
    }

    /**
     * One contiguous heap pbuf of {@code length} bytes after {@code layer}'s header room, or
     * {@code null} (counted in {@link PoolStats#err}) when it would exceed {@code MEM_SIZE}.
     *
     * @throws IllegalArgumentException when {@code length} is negative
     */
    public Pbuf allocRam(Layer layer, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative pbuf length " + length);
        }
        long need = (long) layer.headroom() + length;
        if (need > MAX_ARRAY || !ramStats.fits(need)) {
            ramStats.err++;
            return null;
        }
        int size = (int) need;
        Pbuf p = spareNode();
        byte[] a = new byte[size];
        p.init(Pbuf.Kind.RAM, MemorySegment.ofArray(a), a, layer.headroom(), length, size);
        ramStats.take(size);
        if (PbufTracking.TRACKER != null) {
            PbufTracking.TRACKER.allocated(this, p);
        }
        return p;
    }

    private Pbuf spareNode() {
        if (freeNodeCount == 0) {
            return new Pbuf(this);
        }
        Pbuf p = freeNodes[--freeNodeCount];
        freeNodes[freeNodeCount] = null;
        return p;
    }

    /** Takes back a node whose last reference was dropped; {@code mem} and {@code array} were its memory. */
    void recycle(Pbuf p, MemorySegment mem, byte[] array) {
        if (PbufTracking.TRACKER != null) {
            PbufTracking.TRACKER.freed(p);
        }
        switch (p.kind) {
            case POOL -> {
                poolStats.give(1);
                Pbuf slot = p;
                if (strict) {
                    // The memory goes back, the object that a stale reference may hold does not.
                    slot = new Pbuf(this);
                    slot.homeMem = p.homeMem;
                    p.homeMem = null;
                }
                if (freePoolCount == freePool.length) {
                    freePool = Arrays.copyOf(freePool, freePool.length * 2);
                }
                freePool[freePoolCount++] = slot;
            }
            case RAM -> {
                ramStats.give(p.capacity);
                keepNode(p);
            }
            case REF -> keepNode(p);
        }
    }

    private void keepNode(Pbuf p) {
        if (!strict && freeNodeCount < NODE_CACHE) {
            freeNodes[freeNodeCount++] = p;
        }
    }

    /** Counts a free of a node of {@code kind} that had already been freed ({@code illegal}). */
    void countIllegal(Pbuf.Kind kind) {
        switch (kind) {
            case POOL -> poolStats.illegal++;
            case RAM -> ramStats.illegal++;
            case REF -> { }
        }
    }

    /**
     * Wraps caller memory without copying, as {@link Pbuf#wrap(byte[], int, int)}, but reusing
     * this pool's spare node objects.
     */
    public Pbuf wrap(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        Pbuf p = spareNode();
        p.init(Pbuf.Kind.REF, MemorySegment.ofArray(data), data, off, len, data.length);
        if (PbufTracking.TRACKER != null) {
            PbufTracking.TRACKER.allocated(this, p);
        }
        return p;
    }

    /**
     * A {@link Pbuf.Kind#REF} node showing bytes {@code [off, off+len)} of the single node
     * {@code node}'s payload without copying them, holding a reference to {@code node} until
     * the view is freed: the memory stays {@code node}'s even if its other holders free it.
     * The view has no header room of its own and must not be written (it is shared memory:
     * {@link Pbuf#isExclusive()} is false). Reuses this pool's spare node objects.
     *
     * @throws IndexOutOfBoundsException when the range is outside {@code node}'s payload
     */
    public Pbuf view(Pbuf node, int off, int len) {
        node.checkLive();
        Objects.checkFromIndexSize(off, len, node.len);
        Pbuf p = spareNode();
        p.init(Pbuf.Kind.REF, node.mem, node.array, node.offset + off, len, node.capacity);
        p.pinned = node.ref();
        if (PbufTracking.TRACKER != null) {
            PbufTracking.TRACKER.allocated(this, p);
        }
        return p;
    }
}
