package org.lwip4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.ip.ReassemblyState;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.SimNet;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * Reassembly through a whole stack under random fragment plans ({@link FragmentPlan}):
 * several datagrams cut at random multiples of 8, fragments dropped, duplicated, overlapped
 * (with the same or altered bytes), interleaved, with time passing in between.
 *
 * <p>With bounds that never evict, the stack must do exactly what {@link ReassemblyModel}
 * does: each datagram delivered exactly when all its bytes have arrived without a
 * conflicting overlap, byte for byte, in the same order; time exceeded sent exactly for the
 * datagrams that timed out holding fragment 0, quoting it; the same {@code ipfrag}
 * counters. With small bounds (eviction, refusals, an exhausted pbuf pool): whatever is
 * delivered is a datagram of the plan, intact, and the bounds hold at every step. Always:
 * nothing thrown, and once the reassembly age has passed every pool is back to zero.
 *
 * <p>{@code JAZZER_FUZZ=1 mvn -pl core test -Dtest=ReassemblyFuzzTest#fragmentPlans
 * -Djazzer.max_duration=10m} fuzzes for real; every {@code mvn test} replays the seeds and
 * runs {@link #seededPlans()}.
 */
class ReassemblyFuzzTest {
    private static final String US = "10.0.0.1";
    private static final int RAW_A = 253;
    private static final int RAW_B = 254;

    @BeforeAll
    static void regressionModeWithoutHooks() {
        RegressionMode.configure();
    }

    @FuzzTest(maxDuration = "30s")
    void fragmentPlans(FuzzedDataProvider data) {
        run(FragmentPlan.draw(FragmentPlan.Choices.of(data)));
    }

    /**
     * The same invariants on plans from a fixed seed, so plain {@code mvn test} goes deep;
     * and proof that it does: every path was taken many times.
     */
    @Test
    void seededPlans() {
        SplittableRandom random = new SplittableRandom(0x5722);
        Outcome sum = new Outcome(0, 0, 0, 0, 0, 0, 0, 0);
        for (int i = 0; i < 400; i++) {
            sum = sum.plus(run(FragmentPlan.draw(FragmentPlan.Choices.of(random.split()))));
        }
        assertTrue(sum.exactPlans() > 200 && sum.exactPlans() < 400, sum.toString());
        assertTrue(sum.reassembled() > 250, "datagrams reassembled: " + sum);
        assertTrue(sum.duplicates() > 200, "duplicates dropped: " + sum);
        assertTrue(sum.discarded() > 100, "datagrams discarded for an overlap: " + sum);
        assertTrue(sum.timeExceeded() > 100, "time exceeded sent: " + sum);
        assertTrue(sum.timedOut() > sum.timeExceeded(), "timeouts without fragment 0 too: " + sum);
        assertTrue(sum.evicted() > 100, "datagrams evicted: " + sum);
        assertTrue(sum.refused() > 20, "fragments refused for memory: " + sum);
    }

    /** What one plan did, for {@link #seededPlans()}'s proof of depth. */
    record Outcome(int exactPlans, long reassembled, long duplicates, long discarded, long timeExceeded,
            long timedOut, long evicted, long refused) {
        Outcome plus(Outcome o) {
            return new Outcome(exactPlans + o.exactPlans, reassembled + o.reassembled, duplicates + o.duplicates,
                    discarded + o.discarded, timeExceeded + o.timeExceeded, timedOut + o.timedOut,
                    evicted + o.evicted, refused + o.refused);
        }
    }

    /** Runs {@code plan} through a fresh stack and checks every invariant. */
    static Outcome run(FragmentPlan plan) {
        VirtualClock clock = new VirtualClock();
        Duration maxAge = Duration.ofMillis(plan.maxAgeMillis());
        Stack stack = Stack.create(StackConfig.builder().randomSeed(1).icmpErrorRate(0)
                .ipReassMaxAge(maxAge).memNumReassData(plan.maxDatagrams()).ipReassMaxPbufs(plan.maxPbufs())
                .pbufPoolSize(plan.poolSize()).build(), clock);
        CaptureDriver wire = new CaptureDriver(LinkType.IP, 65535);
        Netif tun = stack.addNetif(wire, "tun0");
        tun.ip4().set(Ip4Interface.parse(US + "/24"));
        tun.setUp(true);
        stack.netifs().setDefault(tun);
        List<byte[]> delivered = new ArrayList<>();
        for (int protocol : new int[] {RAW_A, RAW_B}) {
            stack.newRawPcb(protocol).onReceive((pcb, p, src) -> {
                delivered.add(p.toByteArray());
                p.free();
                return true;
            });
        }
        ReassemblyModel model = new ReassemblyModel(maxAge.toNanos());
        List<byte[]> sent = new ArrayList<>();
        for (FragmentPlan.Step step : plan.steps()) {
            switch (step) {
                case FragmentPlan.Advance a -> clock.advance(Duration.ofMillis(a.millis()));
                case FragmentPlan.Send s -> {
                    model.expire(clock.nanoTime());
                    stack.poll(clock.nanoTime());             // the stack's timers too, before the piece
                    FragmentPlan.Datagram d = plan.datagrams().get(s.datagram());
                    byte[] packet = d.packet(s.offset(), s.more(), s.bytes());
                    model.arrive(d, s, packet, clock.nanoTime());
                    wire.inject(packet);
                }
            }
            stack.poll(clock.nanoTime());
            wire.drain().forEach(f -> sent.add(f.data()));
            if (!plan.exact()) {
                assertTrue(stack.ipv4().reassembly().pendingDatagrams() <= plan.maxDatagrams());
                assertTrue(stack.stats().pool("IP_REASS_PBUF").used <= plan.maxPbufs());
            }
        }
        // Let every datagram left time out.
        long end = clock.nanoTime() + maxAge.toNanos() + Duration.ofSeconds(1).toNanos();
        while (clock.nanoTime() - end < 0) {
            clock.advance(Duration.ofMillis(250));
            stack.poll(clock.nanoTime());
            model.expire(clock.nanoTime());
        }
        wire.drain().forEach(f -> sent.add(f.data()));

        assertEquals(List.of(), SimNet.leakedPbufs(stack), "every pool back to zero");
        assertEquals(0, stack.loop().failedTasks());
        assertEquals(0, stack.ipv4().reassembly().pendingDatagrams());
        if (plan.exact()) {
            assertEquals(hex(model.deliveries), hex(delivered), "delivered exactly what arrived whole");
            assertEquals(hex(model.timeExceeded), hex(quotes(sent)), "time exceeded exactly for timeouts with fragment 0");
            ProtoStats frag = stack.stats().ipfrag;
            assertEquals(model.recv, frag.recv, "ipfrag.recv");
            assertEquals(model.drop, frag.drop, "ipfrag.drop");
            assertEquals(model.err, frag.err, "ipfrag.err");
            assertEquals(model.lenerr, frag.lenerr, "ipfrag.lenerr");
        } else {
            for (byte[] p : delivered) {
                assertTrue(isIntactDatagramOf(plan, p),
                        "a datagram of the plan, intact: " + HexFormat.of().formatHex(p) + "\n" + plan);
            }
            for (byte[] q : quotes(sent)) {
                assertTrue(q.length >= 28, "time exceeded quotes a header and 8 bytes");
            }
        }
        ReassemblyState r = stack.ipv4().reassembly();
        ProtoStats frag = stack.stats().ipfrag;
        // Evicted: given up, but neither timed out nor discarded for an overlap.
        return new Outcome(plan.exact() ? 1 : 0, r.reassembled(), model.duplicates, frag.err,
                quotes(sent).size(), r.timedOut(), r.failed() - r.timedOut() - frag.err, frag.memerr);
    }

    /**
     * True when {@code p} is the start of one of the plan's datagrams, intact, with the
     * header its fragment 0 carries. Only the start: a rival piece whose MF flag was flipped
     * ends a datagram early, and after an eviction the receiver may rightly complete that
     * shorter datagram with the original bytes in front of it.
     */
    private static boolean isIntactDatagramOf(FragmentPlan plan, byte[] p) {
        int dataLen = p.length - Ipv4Packet.headerLen(MemorySegment.ofArray(p), 0);
        for (FragmentPlan.Datagram d : plan.datagrams()) {
            if (dataLen <= d.data().length && Arrays.equals(p, FragmentPlan.whole(d, Arrays.copyOf(d.data(), dataLen)))) {
                return true;
            }
        }
        return false;
    }

    /** The quotes of the ICMP time exceeded (reassembly) messages among {@code frames}; any other frame fails. */
    private static List<byte[]> quotes(List<byte[]> frames) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f : frames) {
            MemorySegment s = MemorySegment.ofArray(f);
            assertEquals(Ipv4Packet.PROTO_ICMP, Ipv4Packet.protocol(s, 0), "only ICMP leaves the stack");
            int hl = Ipv4Packet.headerLen(s, 0);
            assertEquals(Icmpv4Packet.TYPE_TIME_EXCEEDED, f[hl] & 0xff);
            assertEquals(Icmpv4Packet.TIME_EXCEEDED_REASSEMBLY, f[hl + 1] & 0xff);
            out.add(Arrays.copyOfRange(f, hl + 8, f.length));
        }
        return out;
    }

    private static List<String> hex(List<byte[]> packets) {
        return packets.stream().map(HexFormat.of()::formatHex).toList();
    }
}
