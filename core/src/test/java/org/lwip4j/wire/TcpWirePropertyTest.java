package org.lwip4j.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.fuzz.FuzzInput;
import org.lwip4j.fuzz.Mutator;
import org.lwip4j.fuzz.WireInvariants;

/**
 * Seeded property tests for the TCP wire code ({@link WireInvariants#tcp},
 * {@link WireInvariants#tcpOptions}): mutated Linux segments and random bytes.
 * Deterministic; each insists enough mutants were accepted to reach the round trips.
 */
class TcpWirePropertyTest {
    private static final int ROUNDS = 20_000;
    private static final int SRC = TcpVectors.CLIENT_IP;
    private static final int DST = TcpVectors.SERVER_IP;
    private static final byte[] DATA = Hex.bytes("9c40 0050 fffffffe 9abcdef1 b0 18 01f6 0000 0000"
            + "| 0101080a 0001e26c 0007a120 | 0101051a 00000001 00000002 00000003 00000004 fffffff0 00000010"
            + "| 68656c6c6f");
    private static final List<byte[]> SEGMENTS = List.of(Hex.bytes(TcpVectors.LINUX_SYN),
            Hex.bytes(TcpVectors.LINUX_SYN_ACK), DATA, Hex.bytes("0001000200000003000000045010000500000006"),
            new byte[0]);

    @Test
    void mutatedSegments() {
        Mutator m = new Mutator(21);
        int accepted = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] base = SEGMENTS.get(m.random().nextInt(SEGMENTS.size()));
            byte[] bytes = m.random().nextInt(10) == 0 ? base : m.mutate(base);
            FuzzInput in = FuzzInput.of(FuzzInput.encode(m.random().nextInt(8), bytes));
            if (WireInvariants.tcp(in.seg(), in.off(), in.len(), SRC, DST)) {
                accepted++;
            }
        }
        assertTrue(accepted > ROUNDS / 5, "accepted only " + accepted);
    }

    @Test
    void mutatedOptionAreas() {
        Mutator m = new Mutator(22);
        int accepted = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] seg = SEGMENTS.get(m.random().nextInt(SEGMENTS.size() - 2));
            byte[] area = Arrays.copyOfRange(seg, 20, Math.min(seg.length, 60));
            FuzzInput in = FuzzInput.of(FuzzInput.encode(m.random().nextInt(8), m.mutate(area)));
            if (WireInvariants.tcpOptions(in.seg(), in.off(), in.len())) {
                accepted++;
            }
        }
        assertTrue(accepted > ROUNDS / 5, "accepted only " + accepted);
    }

    @Test
    void randomBytes() {
        Mutator m = new Mutator(23);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] b = new byte[m.random().nextInt(80)];
            m.random().nextBytes(b);
            FuzzInput in = FuzzInput.of(b);
            WireInvariants.tcp(in.seg(), in.off(), in.len(), 0, -1);
            WireInvariants.tcpOptions(in.seg(), in.off(), in.len());
        }
    }
}
