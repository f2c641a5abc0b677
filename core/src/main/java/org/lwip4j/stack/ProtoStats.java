package org.lwip4j.stack;

/**
 * Counters of one protocol (lwIP's {@code struct stats_proto}). Written only by the stack's
 * event loop; other threads may read slightly stale values.
 */
public final class ProtoStats {
    /** Protocol name as lwIP prints it ({@code IP}, {@code ETHARP}, ...). */
    public final String name;
    /** Packets transmitted. */
    public long xmit;
    /** Packets received. */
    public long recv;
    /** Packets forwarded. */
    public long fw;
    /** Packets dropped. */
    public long drop;
    /** Checksum errors. */
    public long chkerr;
    /** Invalid length errors. */
    public long lenerr;
    /** Out of memory errors. */
    public long memerr;
    /** Routing errors. */
    public long rterr;
    /** Protocol errors. */
    public long proterr;
    /** Errors in options. */
    public long opterr;
    /** Miscellaneous errors. */
    public long err;
    /** Cache hits (ARP, reassembly). */
    public long cachehit;

    /** Zeroed counters for the named protocol. */
    ProtoStats(String name) {
        this.name = name;
    }

    /** The counters as name/value pairs, in lwIP's order. */
    public long[] values() {
        return new long[] {xmit, recv, fw, drop, chkerr, lenerr, memerr, rterr, proterr, opterr, err, cachehit};
    }

    /** Names of {@link #values()}. */
    public static final java.util.List<String> FIELDS = java.util.List.of(
            "xmit", "recv", "fw", "drop", "chkerr", "lenerr", "memerr", "rterr", "proterr", "opterr", "err", "cachehit");

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('[');
        long[] v = values();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0) {
                sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : " ").append(FIELDS.get(i)).append('=').append(v[i]);
            }
        }
        return sb.append(']').toString();
    }
}
