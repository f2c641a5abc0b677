package org.lwip4j.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PbufPool;
import org.lwip4j.buffer.PbufTracker;

/**
 * The pbuf tracker of every test run (registered in {@code META-INF/services}): remembers
 * where each pool pbuf node was allocated, last touched and freed, so that
 * {@link PbufLeakExtension} can fail a test that ends with pbufs outstanding and name where
 * they came from, and a use after free can say where the pbuf was freed.
 *
 * <p>One per JVM, reached through {@link PbufTracker#installed()}. Thread-safe: stacks in
 * interop tests allocate on their own loop and driver threads.
 */
public final class LeakDetector implements PbufTracker {
    /** Frames kept per site: enough to reach the test method from the deepest stack layer. */
    private static final int FRAMES = 24;
    /** Classes whose frames a site leaves out: the pool's and this class's own. */
    private static final Set<String> SKIPPED = Set.of("org.lwip4j.buffer.Pbuf", "org.lwip4j.buffer.PbufPool",
            LeakDetector.class.getName(), Site.class.getName());

    private final AtomicLong sequence = new AtomicLong();
    private volatile String watching = "";
    private final Map<Pbuf, Life> live = new ConcurrentHashMap<>();
    /** When each pool was made, on the allocation sequence. */
    private final Map<PbufPool, Long> poolBirth = Collections.synchronizedMap(new WeakHashMap<>());
    /** Lives of freed nodes, as long as something still holds the node (the only time they are asked for). */
    private final Map<Pbuf, Life> freed = Collections.synchronizedMap(new WeakHashMap<>());

    /** What is known of one node: its allocation, its last change of hands, its release. */
    static final class Life {
        final long seq;
        final long poolBorn;
        final String kind;
        final int length;
        final String thread;
        final Site allocated;
        volatile String touchedHow;
        volatile Site touched;
        volatile Site freed;

        Life(long seq, long poolBorn, String kind, int length, String thread, Site allocated) {
            this.seq = seq;
            this.poolBorn = poolBorn;
            this.kind = kind;
            this.length = length;
            this.thread = thread;
            this.allocated = allocated;
        }
    }

    /** Made by {@link java.util.ServiceLoader}; tests use {@link #installed()}. */
    public LeakDetector() {
    }

    /** The JVM's detector; throws when the test class path lacks its service registration. */
    public static LeakDetector installed() {
        if (PbufTracker.installed() instanceof LeakDetector d) {
            return d;
        }
        throw new IllegalStateException("pbuf leak detector not installed: " + PbufTracker.installed()
                + " (core's test jar registers it in META-INF/services/org.lwip4j.buffer.PbufTracker)");
    }

    @Override
    public void poolCreated(PbufPool pool) {
        poolBirth.put(pool, sequence.incrementAndGet());
    }

    @Override
    public void allocated(PbufPool pool, Pbuf p) {
        freed.remove(p);
        live.put(p, new Life(sequence.incrementAndGet(), poolBirth.getOrDefault(pool, 0L), p.kind().name(), p.length(),
                Thread.currentThread().getName(), new Site()));
    }

    @Override
    public void touched(Pbuf p, String what) {
        Life l = live.get(p);
        if (l != null) {
            l.touched = new Site();
            l.touchedHow = what;
        }
    }

    @Override
    public void freed(Pbuf p) {
        Life l = live.remove(p);
        if (l != null) {
            l.freed = new Site();
            freed.put(p, l);
        }
    }

    @Override
    public String history(Pbuf p) {
        Life l = live.get(p);
        if (l == null) {
            l = freed.get(p);
        }
        if (l == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        appendLife(sb, l, "");
        return sb.toString();
    }

    /**
     * A mark to pass to {@link #outstandingSince(long)}: later allocations are newer.
     * {@code watcher} names who marks (the test about to run), for {@link #watching()}.
     */
    public long mark(String watcher) {
        watching = watcher;
        return sequence.get();
    }

    /**
     * Who marked last: the unique id of the test running now, when {@link PbufLeakExtension}
     * watches it (a module's tests check with this that the leak check is on for them).
     */
    public String watching() {
        return watching;
    }

    /**
     * Forgets, and returns, every node not yet freed from the pools made after {@code mark},
     * oldest first; a node is reported once. Nodes of older pools are left for the owner of
     * an earlier mark: a pool that outlives the mark is a fixture of a longer scope.
     */
    public List<Life> outstandingSince(long mark) {
        List<Map.Entry<Pbuf, Life>> found = new ArrayList<>();
        for (Map.Entry<Pbuf, Life> e : live.entrySet()) {
            if (e.getValue().poolBorn > mark) {
                found.add(e);
            }
        }
        List<Life> out = new ArrayList<>(found.size());
        for (Map.Entry<Pbuf, Life> e : found) {
            if (live.remove(e.getKey(), e.getValue())) {
                out.add(e.getValue());
            }
        }
        out.sort((a, b) -> Long.compare(a.seq, b.seq));
        return out;
    }

    /**
     * A report of {@code leaks}, grouped by allocation site, largest group first, each with
     * its count, kinds and the last change of hands seen of one of its nodes.
     */
    public static String report(List<Life> leaks, String when) {
        Map<List<StackTraceElement>, List<Life>> bySite = new LinkedHashMap<>();
        for (Life l : leaks) {
            bySite.computeIfAbsent(l.allocated.frames(), k -> new ArrayList<>()).add(l);
        }
        List<List<Life>> groups = new ArrayList<>(bySite.values());
        groups.sort((a, b) -> Integer.compare(b.size(), a.size()));
        StringBuilder sb = new StringBuilder();
        sb.append(leaks.size()).append(leaks.size() == 1 ? " pbuf node " : " pbuf nodes ").append(when)
                .append(leaks.size() == 1 ? " was" : " were").append(" never freed, from ").append(groups.size())
                .append(groups.size() == 1 ? " allocation site" : " allocation sites").append(".\n")
                .append("Free every pbuf the test owns; close (or drain) stacks that still hold some: a stack")
                .append(" left holding pbufs at the end of a test is a leak too. If the stack lost them, that is")
                .append(" a bug in the stack.\n");
        int n = 0;
        for (List<Life> g : groups) {
            if (++n > 8) {
                sb.append("... and ").append(groups.size() - 8).append(" more sites\n");
                break;
            }
            Map<String, Integer> kinds = new LinkedHashMap<>();
            for (Life l : g) {
                kinds.merge(l.kind + " " + l.length + " B", 1, Integer::sum);
            }
            sb.append("\n").append(g.size()).append(g.size() == 1 ? " node (" : " nodes (");
            String sep = "";
            for (Map.Entry<String, Integer> k : kinds.entrySet()) {
                sb.append(sep).append(k.getKey()).append(k.getValue() > 1 ? " x" + k.getValue() : "");
                sep = ", ";
            }
            sb.append(") allocated on thread ").append(g.getFirst().thread).append(" at:\n");
            appendTrace(sb, g.getFirst().allocated, "    ");
            Life touched = null;
            for (Life l : g) {
                if (l.touched != null) {
                    touched = l;
                }
            }
            if (touched != null) {
                sb.append("  last touched (").append(touched.touchedHow).append(") at:\n");
                appendTrace(sb, touched.touched, "    ");
            }
        }
        return sb.toString();
    }

    private static void appendLife(StringBuilder sb, Life l, String indent) {
        sb.append(indent).append(l.kind).append(" pbuf allocated on thread ").append(l.thread).append(" at:\n");
        appendTrace(sb, l.allocated, indent + "    ");
        Site t = l.touched;
        if (t != null) {
            sb.append(indent).append("last touched (").append(l.touchedHow).append(") at:\n");
            appendTrace(sb, t, indent + "    ");
        }
        Site f = l.freed;
        if (f != null) {
            sb.append(indent).append("freed at:\n");
            appendTrace(sb, f, indent + "    ");
        }
    }

    private static void appendTrace(StringBuilder sb, Site site, String indent) {
        for (StackTraceElement e : site.frames()) {
            sb.append(indent).append(e).append('\n');
        }
    }

    /**
     * Where something happened: the thread's stack, captured cheaply (the VM's own backtrace)
     * and turned into frames only when a report needs them.
     */
    static final class Site extends Throwable {
        private static final long serialVersionUID = 1L;

        Site() {
            super(null, null, false, true);
        }

        /**
         * The stack from the first frame outside the pool, {@link Pbuf} and this class,
         * stopping before the test framework.
         */
        List<StackTraceElement> frames() {
            return Arrays.stream(getStackTrace())
                    .dropWhile(f -> SKIPPED.contains(f.getClassName()))
                    .takeWhile(f -> !f.getClassName().startsWith("org.junit."))
                    .limit(FRAMES)
                    .toList();
        }
    }
}
