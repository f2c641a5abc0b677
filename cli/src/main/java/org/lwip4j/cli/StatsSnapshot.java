package org.lwip4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The counters of a run at one moment, as (group, field) → value in print order, and the
 * one-line difference between two such moments: what {@code --stats N} prints every N
 * seconds instead of the whole table (which comes once, at exit).
 */
final class StatsSnapshot {
    private final Map<String, Map<String, Long>> groups = new LinkedHashMap<>();

    /** Records {@code value} for {@code field} of {@code group} (e.g. "lwip0", "in"). */
    StatsSnapshot put(String group, String field, long value) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(field, value);
        return this;
    }

    /** The value recorded for {@code field} of {@code group}, 0 when none. */
    long get(String group, String field) {
        Map<String, Long> g = groups.get(group);
        return g == null ? 0 : g.getOrDefault(field, 0L);
    }

    /**
     * What changed since {@code before} (null: since zero), e.g.
     * {@code "lwip0 in +3 out +3; ICMP recv +3 xmit +3"}; empty when nothing did.
     */
    String changesSince(StatsSnapshot before) {
        StringBuilder sb = new StringBuilder();
        for (var g : groups.entrySet()) {
            StringBuilder line = new StringBuilder();
            for (var f : g.getValue().entrySet()) {
                long d = f.getValue() - (before == null ? 0 : before.get(g.getKey(), f.getKey()));
                if (d != 0) {
                    line.append(' ').append(f.getKey()).append(' ').append(d > 0 ? "+" : "").append(d);
                }
            }
            if (!line.isEmpty()) {
                if (!sb.isEmpty()) {
                    sb.append("; ");
                }
                sb.append(g.getKey()).append(line);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatsSnapshot d && groups.equals(d.groups);
    }

    @Override
    public int hashCode() {
        return Objects.hash(groups);
    }
}
