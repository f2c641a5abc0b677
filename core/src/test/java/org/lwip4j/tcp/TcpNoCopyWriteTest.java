package org.lwip4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.tcp.Seg.ack;
import static org.lwip4j.tcp.Seg.psh;
import static org.lwip4j.tcp.Seg.rst;
import static org.lwip4j.tcp.TcpScript.ISS;
import static org.lwip4j.tcp.TcpScript.ms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;

/**
 * Zero-copy writes (lwIP's {@code tcp_write} without {@code TCP_WRITE_FLAG_COPY}): the stack
 * holds a reference to the application's pbuf (or a wrap of its array) instead of copying
 * it, sends segments whose payload is chained views of that memory, and drops the reference
 * when every byte is acknowledged or the connection ends. Copied and referenced writes
 * interleave in one stream, and a segment may carry both.
 */
class TcpNoCopyWriteTest {
    static final int P = 1000;
    static final int D = P + 1;
    static final int S = ISS + 1;

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + seed * 29 + 1);
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        return org.lwip4j.testing.Packets.concat(parts);
    }

    /** A chain of pool pbufs holding {@code parts}, one node each. */
    static Pbuf chain(TcpScript t, byte[]... parts) {
        Pbuf head = null;
        for (byte[] part : parts) {
            Pbuf q = t.stack.context().pbufs().allocRam(Layer.RAW, part.length);
            q.copyFrom(0, part, 0, part.length);
            if (head == null) {
                head = q;
            } else {
                head.concat(q);
            }
        }
        return head;
    }

    @Test
    void aNoCopyPbufWriteSendsItsExactBytesAndHoldsOneReferenceUntilAcknowledged() {
        try (TcpScript t = TcpSendTest.open()) {
            byte[] data = bytes(300, 1);
            Pbuf p = t.pbuf(data);
            int bufBefore = t.conn.sndbuf();
            assertEquals(Err.OK, t.conn.write(p, 0));
            assertEquals(2, p.refCount(), "the stack took a reference of its own");
            assertEquals(bufBefore - 300, t.conn.sndbuf(), "referenced bytes count against the send buffer");
            Seg s = t.expect(psh().seq(S).ack(D).len(300));
            assertArrayEquals(data, s.payload);
            assertEquals(2, p.refCount(), "sent but not acknowledged: still held");
            t.send(ack().seq(D).ack(S + 299));
            assertEquals(2, p.refCount(), "one byte left unacknowledged");
            t.send(ack().seq(D).ack(S + 300));
            assertEquals(1, p.refCount(), "back to the caller's reference alone");
            assertEquals(bufBefore, t.conn.sndbuf());
            p.free();
            t.assertNoLeaks();
        }
    }

    @Test
    void theCallerMayFreeAtOnceAndThePbufGoesWithTheLastAck() {
        try (TcpScript t = TcpSendTest.open()) {
            t.conn.setNoDelay(true);
            byte[] data = bytes(1500, 2);
            Pbuf p = t.pbuf(data);
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            assertEquals(1, p.refCount(), "the stack's reference keeps it");
            Seg a = t.expect(ack().seq(S).len(1000));
            Seg b = t.expect(psh().seq(S + 1000).len(500));
            assertArrayEquals(data, concat(a.payload, b.payload));
            t.send(ack().seq(D).ack(S + 1000));
            assertEquals(1, p.refCount());
            t.send(ack().seq(D).ack(S + 1500));
            assertEquals(0, p.refCount(), "freed with its last acknowledged byte");
            assertEquals(List.of(1000, 500), t.sentLens);
            t.assertNoLeaks();
        }
    }

    @Test
    void aNoCopyByteArrayWriteReferencesTheArrayWhileACopyWriteDoesNot() {
        try (TcpScript t = TcpSendTest.open()) {
            t.send(ack().seq(D).ack(S).window(0)); // closed window: what is written waits
            byte[] copied = bytes(100, 3);
            byte[] referenced = bytes(100, 4);
            assertEquals(Err.OK, t.conn.write(copied, 0, 100, TcpPcb.WRITE_COPY));
            assertEquals(Err.OK, t.conn.write(referenced, 0, 100, 0));
            byte[] expected = concat(copied.clone(), referenced.clone());
            // Changing the arrays now is what the caller must not do with the referenced
            // one; here it shows which of the two the stack copied.
            Arrays.fill(copied, (byte) 0x55);
            Arrays.fill(referenced, 50, 100, (byte) 0x66);
            Arrays.fill(expected, 150, 200, (byte) 0x66);
            t.send(ack().seq(D).ack(S).window(8000));
            Seg s = t.expect(psh().seq(S).len(200));
            assertArrayEquals(expected, s.payload);
            t.send(ack().seq(D).ack(S + 200));
            t.expectNothing();
            t.assertNoLeaks();
        }
    }

    @Test
    void slicesOfOneArrayWrittenWithoutCopyShareOneWrapReleasedWithTheLastAck() {
        try (TcpScript t = TcpSendTest.open()) {
            t.send(ack().seq(D).ack(S).window(0));
            byte[] page = bytes(900, 5);
            for (int off = 0; off < 900; off += 300) {
                assertEquals(Err.OK, t.conn.write(page, off, 300, 0));
            }
            byte[] other = bytes(100, 6);
            assertEquals(Err.OK, t.conn.write(other, 0, 100, 0));
            assertEquals(4, t.conn.sendQueue.refNodes(), "one view per write");
            assertTrue(t.conn.sendQueue.holdsArrayWrap());
            t.send(ack().seq(D).ack(S).window(8000));
            Seg s = t.expect(psh().seq(S).len(1000));
            assertArrayEquals(concat(page, other), s.payload);
            t.send(ack().seq(D).ack(S + 1000));
            assertEquals(0, t.conn.sendQueue.refNodes());
            assertFalse(t.conn.sendQueue.holdsArrayWrap(), "the array's wrap went with the last referenced byte");
            t.assertNoLeaks();
        }
    }

    @Test
    void segmentsSpanCopiedAndReferencedBytesAndAResendAfterLossCarriesTheSameBytes() {
        try (TcpScript t = new TcpScript()) {
            t.connect();
            t.conn.setNoDelay(true);
            // Written during the handshake: nothing goes until it completes, then whole segments.
            byte[] c1 = bytes(300, 5);
            byte[] r1a = bytes(150, 6);
            byte[] r1b = bytes(250, 7);
            byte[] c2 = bytes(300, 8);
            byte[] r2 = bytes(500, 9);
            Pbuf p1 = chain(t, r1a, r1b);
            Pbuf p2 = chain(t, r2);
            assertEquals(Err.OK, t.conn.write(c1, 0, c1.length, TcpPcb.WRITE_COPY));
            assertEquals(Err.OK, t.conn.write(p1, 0));
            assertEquals(Err.OK, t.conn.write(c2, 0, c2.length, TcpPcb.WRITE_COPY));
            assertEquals(Err.OK, t.conn.write(p2, 0));
            p1.free();
            p2.free();
            t.send(Seg.synAck().seq(P).ack(ISS + 1).mss(1000).window(20000));
            byte[] all = concat(c1, r1a, r1b, c2, r2);
            Seg first = t.expect(ack().seq(S).ack(D).len(1000));
            Seg second = t.expect(psh().seq(S + 1000).len(500));
            assertArrayEquals(Arrays.copyOfRange(all, 0, 1000), first.payload, "copy 300 + ref 150+250 + copy 300");
            assertArrayEquals(Arrays.copyOfRange(all, 1000, 1500), second.payload);
            // The first segment is lost: the peer acknowledges nothing; the RTO resends it.
            t.after(ms(1000));
            Seg again = t.expect(ack().seq(S).len(1000));
            assertArrayEquals(first.payload, again.payload, "the resend is cut from the same mixed bytes");
            assertEquals(1, p1.refCount());
            t.send(ack().seq(D).ack(S + 1000));
            assertEquals(0, p1.refCount(), "the first referenced pbuf is all acknowledged");
            assertEquals(1, p2.refCount());
            t.send(ack().seq(D).ack(S + 1500));
            assertEquals(0, p2.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void aSmallerWindowCutsReferencedBytesAnywhere() {
        try (TcpScript t = TcpSendTest.open()) {
            t.conn.setNoDelay(true);
            t.send(ack().seq(D).ack(S).window(0));
            byte[] a = bytes(400, 10);
            byte[] b = bytes(400, 11);
            Pbuf p = chain(t, a, b);
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            t.send(ack().seq(D).ack(S).window(333)); // a cut inside the first node, then across both
            Seg s1 = t.expect(ack().seq(S).len(333));
            t.send(ack().seq(D).ack(S + 333).window(333));
            Seg s2 = t.expect(ack().seq(S + 333).len(333));
            t.send(ack().seq(D).ack(S + 666).window(333));
            Seg s3 = t.expect(psh().seq(S + 666).len(134));
            assertArrayEquals(concat(a, b), concat(s1.payload, s2.payload, s3.payload));
            t.send(ack().seq(D).ack(S + 800));
            assertEquals(0, p.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void aPathMtuDropResegmentsReferencedBytes() {
        try (TcpScript t = TcpIcmpTest.established()) {
            byte[] a = bytes(700, 20);
            byte[] b = bytes(1300, 21);
            Pbuf p = chain(t, a, b);
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            t.drain(); // two segments of 1000
            t.inject(TcpIcmpTest.icmp(3, 4, 576, S + 1999)); // fragmentation needed, MTU 576
            assertEquals(536, t.conn.mss());
            Seg s = t.expect(ack().seq(S).len(536));
            assertArrayEquals(Arrays.copyOf(a, 536), s.payload, "the first 536 bytes, cut from the first node");
            t.send(ack().seq(D).ack(S + 536));
            Seg next = t.expect(ack().seq(S + 536).len(536));
            assertArrayEquals(Arrays.copyOfRange(concat(a, b), 536, 1072), next.payload, "across both nodes");
            t.send(ack().seq(D).ack(S + 2000));
            assertEquals(0, p.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void sackHolesInMixedDataAreResentWithTheirOwnBytes() {
        try (TcpScript t = TcpSackRecoveryTest.open(true)) {
            t.conn.cc.setCwnd(10_000);
            t.send(ack().seq(D).ack(S).window(0)); // the writes queue whole first
            List<Pbuf> held = new ArrayList<>();
            byte[] all = new byte[0];
            for (int i = 0; i < 10; i++) {
                byte[] part = bytes(1000, 30 + i);
                if (i % 2 == 0) {
                    assertEquals(Err.OK, t.conn.write(part, 0, 700, TcpPcb.WRITE_COPY));
                    Pbuf p = chain(t, Arrays.copyOfRange(part, 700, 1000));
                    assertEquals(Err.OK, t.conn.write(p, 0));
                    p.free();
                    held.add(p);
                } else {
                    Pbuf p = chain(t, Arrays.copyOf(part, 400), Arrays.copyOfRange(part, 400, 1000));
                    assertEquals(Err.OK, t.conn.write(p, 0));
                    p.free();
                    held.add(p);
                }
                all = concat(all, part);
            }
            t.send(ack().seq(D).ack(S).window(10_000));
            for (int i = 0; i < 10; i++) {
                Seg s = t.expect(ack().seq(S + 1000 * i).len(1000));
                assertArrayEquals(Arrays.copyOfRange(all, 1000 * i, 1000 * i + 1000), s.payload, "segment " + i);
            }
            // Segments 1 and 4 are lost; the rest are SACKed.
            t.send(TcpSackRecoveryTest.sackAck(1000));
            t.send(TcpSackRecoveryTest.sackAck(1000, 2000, 3000));
            t.send(TcpSackRecoveryTest.sackAck(1000, 2000, 4000));
            t.send(TcpSackRecoveryTest.sackAck(1000, 5000, 6000, 2000, 4000));
            Seg hole1 = t.expect(ack().seq(S + 1000).len(1000));
            assertArrayEquals(Arrays.copyOfRange(all, 1000, 2000), hole1.payload);
            t.send(TcpSackRecoveryTest.sackAck(1000, 8000, 9000, 5000, 7000, 2000, 4000));
            Seg hole4 = t.expect(ack().seq(S + 4000).len(1000));
            assertArrayEquals(Arrays.copyOfRange(all, 4000, 5000), hole4.payload);
            assertEquals(0, held.get(0).refCount(), "the first write's referenced part was acknowledged");
            assertEquals(1, held.get(1).refCount(), "segment 1 is not");
            t.send(TcpSackRecoveryTest.sackAck(10000));
            for (Pbuf p : held) {
                assertEquals(0, p.refCount());
            }
            t.assertNoLeaks();
        }
    }

    @Test
    void abortReleasesReferencedData() {
        try (TcpScript t = TcpSendTest.open()) {
            Pbuf p = t.pbuf(bytes(500, 12));
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            t.expect(psh().seq(S).len(500));
            t.conn.abort();
            t.expect(Seg.rstAck().seq(S + 500));
            assertEquals(0, p.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void aResetFromThePeerReleasesReferencedData() {
        try (TcpScript t = TcpSendTest.open()) {
            Pbuf p = t.pbuf(bytes(500, 13));
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            t.expect(psh().seq(S).len(500));
            t.send(rst().seq(D));
            assertEquals(List.of(Err.RST), t.errors);
            assertEquals(0, p.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void aGracefulCloseHoldsReferencedDataUntilAcknowledgedThenReleasesIt() {
        try (TcpScript t = TcpSendTest.open()) {
            Pbuf p = t.pbuf(bytes(500, 14));
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            t.expect(psh().seq(S).len(500));
            assertEquals(Err.OK, t.conn.close());
            t.expect(Seg.fin().seq(S + 500));
            assertEquals(1, p.refCount(), "the closed pcb still owes the peer these bytes");
            t.after(ms(1000));
            Seg again = t.expect(Seg.flags(org.lwip4j.wire.TcpPacket.ACK | org.lwip4j.wire.TcpPacket.PSH
                    | org.lwip4j.wire.TcpPacket.FIN).seq(S).len(500)); // resent from the same reference, FIN with it
            assertArrayEquals(bytes(500, 14), again.payload);
            t.send(ack().seq(D).ack(S + 501));
            assertEquals(0, p.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void aCloseThatGivesUpAfterRetransmissionsReleasesReferencedData() {
        try (TcpScript t = TcpSendTest.open(b -> b.maxRtx(2))) {
            Pbuf p = t.pbuf(bytes(500, 15));
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            assertEquals(Err.OK, t.conn.close());
            t.after(Duration.ofMinutes(5)); // nothing is acknowledged: the retransmissions run out
            assertEquals(List.of(t.listener), t.tcp.pcbs(), "the connection is gone");
            assertEquals(0, p.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void lingerZeroCloseReleasesReferencedData() {
        try (TcpScript t = TcpSendTest.open()) {
            t.conn.setLinger(Duration.ZERO);
            Pbuf p = t.pbuf(bytes(500, 16));
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            assertEquals(Err.OK, t.conn.close());
            assertEquals(0, p.refCount());
            t.assertNoLeaks();
        }
    }

    @Test
    void closingTheStackReleasesReferencedData() {
        Pbuf p;
        Stack stack;
        try (TcpScript t = TcpSendTest.open()) {
            stack = t.stack;
            p = t.pbuf(bytes(500, 17));
            assertEquals(Err.OK, t.conn.write(p, 0));
            p.free();
            assertEquals(1, p.refCount());
        }
        assertEquals(0, p.refCount(), "Stack.close freed the pcb and its referenced data");
        assertEquals(List.of(), SimNet.leakedPbufs(stack));
    }

    @Test
    void referencedPbufNodesAreBoundedPerConnection() {
        try (TcpScript t = TcpSendTest.open(b -> b.sndBuf(4000))) {
            int bound = t.tcp.sndQueueLen();
            assertEquals(16, bound, "4 x 4000 / 1460 is below the floor of 16");
            t.send(ack().seq(D).ack(S).window(0)); // nothing leaves: the queue only grows
            List<Pbuf> held = new ArrayList<>();
            Pbuf two = chain(t, bytes(1, 0), bytes(1, 1));
            assertEquals(Err.OK, t.conn.write(two, 0), "a chain counts one per node");
            held.add(two);
            for (int i = 2; i < bound; i++) {
                Pbuf q = t.pbuf(bytes(1, i));
                assertEquals(Err.OK, t.conn.write(q, 0));
                held.add(q);
            }
            Pbuf over = t.pbuf(bytes(1, 99));
            assertEquals(Err.MEM, t.conn.write(over, 0), "one node more than TCP_SND_QUEUELEN");
            assertEquals(1, over.refCount(), "a refused write takes no reference");
            assertEquals(Err.MEM, t.conn.write(new byte[1], 0, 1, 0), "a referenced array is a node too");
            assertEquals(Err.OK, t.conn.write(over, TcpPcb.WRITE_COPY), "a copied write is not bounded by it");
            over.free();
            assertEquals(4000 - bound - 1, t.conn.sndbuf());
            Pbuf big = t.pbuf(bytes(4000, 1));
            assertEquals(Err.MEM, t.conn.write(big, TcpPcb.WRITE_COPY), "the send buffer is the other bound");
            big.free();
            for (Pbuf q : held) {
                q.free();
                assertEquals(1, q.refCount());
            }
            t.send(ack().seq(D).ack(S).window(8000));
            Seg s = t.expect(psh().seq(S).len(bound + 1));
            byte[] want = new byte[bound + 1];
            want[0] = bytes(1, 0)[0];
            want[1] = bytes(1, 1)[0];
            for (int i = 2; i < bound; i++) {
                want[i] = bytes(1, i)[0];
            }
            want[bound] = bytes(1, 99)[0];
            assertArrayEquals(want, s.payload);
            t.send(ack().seq(D).ack(S + bound + 1));
            for (Pbuf q : held) {
                assertEquals(0, q.refCount());
            }
            Pbuf empty = t.pbuf(new byte[0]);
            assertEquals(Err.OK, t.conn.write(empty, 0), "an empty write is nothing");
            assertEquals(1, empty.refCount());
            empty.free();
            t.assertNoLeaks();
        }
    }

    @Test
    void aFreedPbufIsRefused() {
        try (TcpScript t = TcpSendTest.open()) {
            Pbuf p = t.pbuf(bytes(10, 1));
            p.free();
            assertThrows(IllegalStateException.class, () -> t.conn.write(p, 0));
            t.expectNothing();
        }
    }

    @Test
    void urgentDataWrittenWithoutCopyCarriesThePointer() {
        try (TcpScript t = TcpSendTest.open()) {
            Pbuf p = t.pbuf(bytes(10, 1));
            assertEquals(Err.OK, t.conn.write(p, TcpPcb.WRITE_URGENT));
            p.free();
            t.expect(psh().urg(10).seq(S).len(10));
            t.send(ack().seq(D).ack(S + 10));
            t.assertNoLeaks();
        }
    }

    @Test
    void overLoopbackReferencedBytesArriveIntactAndTheReceiverHoldsACopyNotAView() {
        org.lwip4j.stack.VirtualClock clock = new org.lwip4j.stack.VirtualClock(0);
        Stack s = Stack.create(StackConfig.builder().randomSeed(3).build(), clock);
        try {
            List<Pbuf> got = new ArrayList<>();
            TcpPcb l = s.newTcpPcb();
            assertEquals(Err.OK, l.bind(Ip4Address.LOOPBACK, 7000));
            assertEquals(Err.OK, l.listen(1));
            l.onAccept((lst, c) -> c.onRecv((pcb, p) -> {
                if (p != null) {
                    got.add(p); // held, not freed: it must not be the sender's memory
                    pcb.recved(p.totalLength());
                }
            }));
            TcpPcb c = s.newTcpPcb();
            c.setNoDelay(true);
            byte[] copied = bytes(500, 40);
            byte[] referenced = bytes(700, 41);
            Pbuf p = s.pbuf(referenced);
            assertEquals(Err.OK, c.connect(Ip4Address.LOOPBACK, 7000, pcb -> {
                assertEquals(Err.OK, pcb.write(copied, 0, copied.length, TcpPcb.WRITE_COPY));
                assertEquals(Err.OK, pcb.write(p, 0));
            }));
            for (int i = 0; i < 200 && (p.refCount() > 1 || received(got) < 1200); i++) {
                clock.advance(1_000_000);
                s.poll(clock.nanoTime());
            }
            assertEquals(1, p.refCount(), "acknowledged over loopback: the stack let go");
            p.free();
            byte[] all = new byte[0];
            for (Pbuf q : got) {
                for (Pbuf n = q; n != null; n = n.next()) {
                    assertTrue(n.kind() != Pbuf.Kind.REF, "the loopback queue copied the frame");
                }
                all = concat(all, q.toByteArray());
            }
            assertArrayEquals(concat(copied, referenced), all);
            got.forEach(Pbuf::free);
            c.abort();
            l.close();
        } finally {
            s.close();
        }
        assertEquals(List.of(), SimNet.leakedPbufs(s));
    }

    private static int received(List<Pbuf> got) {
        int n = 0;
        for (Pbuf q : got) {
            n += q.totalLength();
        }
        return n;
    }

    // ---------------------------------------------------------------- end to end

    /** A sender that cycles through a copied array write, a referenced array and a referenced pool pbuf. */
    static final class MixedFlow extends TcpTransferTest.Flow {
        int writes;
        final byte[] reused = new byte[6000];

        MixedFlow(int dir, long total) {
            super(dir, total);
        }

        @Override
        void pump(TcpPcb pcb) {
            while (sent < total) {
                int n = (int) Math.min(Math.min(pcb.sndbuf(), 1000 + writes * 997 % 5000), total - sent);
                if (n <= 0) {
                    return;
                }
                Err e;
                switch (writes % 3) {
                    case 0 -> {
                        fill(reused, n);
                        e = pcb.write(reused, 0, n, TcpPcb.WRITE_COPY | TcpPcb.WRITE_MORE);
                    }
                    case 1 -> {
                        byte[] own = new byte[n + 7]; // at an offset, never changed again
                        byte[] b = new byte[n];
                        fill(b, n);
                        System.arraycopy(b, 0, own, 7, n);
                        e = pcb.write(own, 7, n, 0);
                    }
                    default -> {
                        Pbuf p = pcb.tcp.ctx().pbufs().allocPool(Layer.TRANSPORT, n);
                        if (p == null) {
                            return;
                        }
                        byte[] b = new byte[n];
                        fill(b, n);
                        p.copyFrom(0, b, 0, n);
                        e = pcb.write(p, 0);
                        p.free();
                    }
                }
                if (e != Err.OK) {
                    return;
                }
                sent += n;
                writes++;
            }
        }

        private void fill(byte[] b, int n) {
            for (int k = 0; k < n; k++) {
                b[k] = TcpTransferTest.pattern(dir, sent + k);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}: loss {1}, reorder {2}, duplicate {3}")
    @CsvSource({"4, 0.0, 0.0, 0.0", "5, 0.02, 0.03, 0.01", "6, 0.04, 0.05, 0.02"})
    void mixedCopiedAndReferencedStreamsArriveIntactThroughLossReorderingAndDuplication(long seed, double loss,
            double reorder, double dup) {
        MixedFlow ab = new MixedFlow(0, 1 << 20);
        MixedFlow ba = new MixedFlow(1, 1 << 20);
        TcpTransferTest.transfer(seed, loss, reorder, dup, ab, ba, client -> {
            assertTrue(ab.writes > 30 && ba.writes > 30, "writes of every kind: " + ab.writes + ", " + ba.writes);
            assertFalse(client.sendQueue.hasRefs(), "all acknowledged: nothing referenced any more");
            if (loss > 0) {
                assertTrue(client.info().totalRetrans() > 0, "the loss made retransmissions");
            }
        });
    }
}
