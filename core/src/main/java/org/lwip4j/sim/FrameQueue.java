package org.lwip4j.sim;

import java.util.Arrays;

/**
 * The frames in flight of a {@link Simulator}, taken out in order of arrival time, first
 * scheduled first among equal times.
 *
 * <p>Two stores keep that order. A FIFO run holds frames whose arrival times never decrease
 * in the order they were added: on a cable with a fixed delay or none (the common case)
 * every frame joins it, and adding and taking cost O(1). A frame that would arrive before
 * the last frame of the run (jitter, reordering, a shorter cable) goes into a binary heap
 * instead. Taking merges the two by (time, order added), so the result is exactly the order
 * a single heap would give. Used on the simulator's thread only.
 */
final class FrameQueue {
    private Frame[] run = new Frame[256];
    private int runHead;
    private int runCount;

    private Frame[] heap = new Frame[256];
    private int heapSize;

    private long nextSeq;

    /** Frames queued. */
    int size() {
        return runCount + heapSize;
    }

    /** True when no frame is queued. */
    boolean isEmpty() {
        return runCount == 0 && heapSize == 0;
    }

    /** Queues {@code f} for arrival at {@code f.time}, after the frames already queued for that time. */
    void add(Frame f) {
        f.seq = nextSeq++;
        if (runCount == 0 || f.time - run[(runHead + runCount - 1) & (run.length - 1)].time >= 0) {
            addToRun(f);
        } else {
            addToHeap(f);
        }
    }

    /** The arrival time of the first frame; only when not {@linkplain #isEmpty() empty}. */
    long firstTime() {
        return first().time;
    }

    /** True when the first frame arrives at or before {@code now}. */
    boolean hasDue(long now) {
        return !isEmpty() && first().time - now <= 0;
    }

    /** Removes and returns the first frame if it arrives at or before {@code now}, else {@code null}. */
    Frame pollDue(long now) {
        Frame r = runCount > 0 ? run[runHead] : null;
        Frame h = heapSize > 0 ? heap[0] : null;
        if (r != null && (h == null || before(r, h))) {
            if (r.time - now > 0) {
                return null;
            }
            run[runHead] = null;
            runHead = (runHead + 1) & (run.length - 1);
            runCount--;
            return r;
        }
        if (h == null || h.time - now > 0) {
            return null;
        }
        return popHeap();
    }

    private Frame first() {
        Frame r = runCount > 0 ? run[runHead] : null;
        Frame h = heapSize > 0 ? heap[0] : null;
        return r != null && (h == null || before(r, h)) ? r : h;
    }

    private void addToRun(Frame f) {
        if (runCount == run.length) {
            Frame[] a = new Frame[run.length * 2];
            for (int i = 0; i < runCount; i++) {
                a[i] = run[(runHead + i) & (run.length - 1)];
            }
            run = a;
            runHead = 0;
        }
        run[(runHead + runCount) & (run.length - 1)] = f;
        runCount++;
    }

    private void addToHeap(Frame f) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heap.length * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Frame p = heap[parent];
            if (!before(f, p)) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = f;
    }

    private Frame popHeap() {
        Frame top = heap[0];
        Frame last = heap[--heapSize];
        heap[heapSize] = null;
        if (heapSize > 0) {
            int i = 0;
            int half = heapSize >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                int r = c + 1;
                if (r < heapSize && before(heap[r], heap[c])) {
                    c = r;
                }
                if (!before(heap[c], last)) {
                    break;
                }
                heap[i] = heap[c];
                i = c;
            }
            heap[i] = last;
        }
        return top;
    }

    /** Arrival order: earlier time first (compared so that a clock wrapping past {@code Long.MAX_VALUE} still works), then order added. */
    private static boolean before(Frame a, Frame b) {
        long d = a.time - b.time;
        return d < 0 || (d == 0 && a.seq < b.seq);
    }
}
