package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lwip4j.Stack;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.ip.IcmpError;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.ProtoStats;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.testing.Packets;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/** ICMP input (RFC 792, RFC 1122 §3.2.2): echo answered byte for byte, errors handed to the transport, the rest counted. */
class Icmpv4InputTest {
    private final VirtualClock clock = new VirtualClock();
    private Stack stack;
    private CaptureDriver wire;

    private void start(UnaryOperator<StackConfig.Builder> cfg) {
        stack = Stack.create(cfg.apply(StackConfig.builder().randomSeed(18).icmpTtl(33)).build(), clock);
        wire = new CaptureDriver(LinkType.IP, 1500);
        SimNet.attach(stack, wire, "tun0", "10.0.0.1/24").setFlags(Netif.FLAG_BROADCAST, Netif.FLAG_BROADCAST);
    }

    @AfterEach
    void tearDown() {
        stack.close();
    }

    private void inject(byte[] p) {
        wire.inject(p);
        for (int i = 0; i < 4; i++) {
            stack.poll(clock.nanoTime());
        }
    }

    private static byte[] icmpIn(String src, String dst, byte[] icmp) {
        return Packets.ipv4(1, src, dst, 64, 0, icmp);
    }

    @Test
    void anEchoIsAnsweredWithItsIdentifierSequenceAndDataFromTheAddressAsked() {
        start(b -> b);
        byte[] req = Packets.icmp(8, 5, 0x12340007, new byte[] {1, 2, 3, 4, 5});
        inject(icmpIn("10.0.0.9", "10.0.0.1", req));
        byte[] out = wire.poll().data();
        assertEquals(33, out[8] & 0xff, "ICMP_TTL");
        assertEquals("10.0.0.1", addr(out, 12));
        assertEquals("10.0.0.9", addr(out, 16));
        byte[] reply = Arrays.copyOfRange(out, 20, out.length);
        assertEquals(0, reply[0], "echo reply");
        assertEquals(5, reply[1], "the code as sent");
        assertArrayEquals(Arrays.copyOfRange(req, 4, req.length), Arrays.copyOfRange(reply, 4, reply.length));
        assertTrue(Checksum.verifies(Checksum.partial(reply, 0, reply.length, 0)));
        ProtoStats s = stack.stats().icmp;
        assertEquals(1, s.recv);
        assertEquals(1, s.xmit);
        assertEquals(0, s.drop + s.err);
    }

    private static String addr(byte[] b, int i) {
        return (b[i] & 0xff) + "." + (b[i + 1] & 0xff) + "." + (b[i + 2] & 0xff) + "." + (b[i + 3] & 0xff);
    }

    @Test
    void withoutChecksumGenerationTheReplyCarriesZero() {
        start(b -> b.checksumGenIcmp(false));
        inject(icmpIn("10.0.0.9", "10.0.0.1", Packets.echoRequest(1, 1, new byte[4])));
        byte[] out = wire.poll().data();
        assertEquals(0, out[22]);
        assertEquals(0, out[23]);
    }

    @Test
    void shortBadAndUnknownMessagesAreCountedAndDropped() {
        start(b -> b);
        inject(icmpIn("10.0.0.9", "10.0.0.1", new byte[] {8, 0, 0, 0, 0, 0, 0}));
        byte[] bad = Packets.echoRequest(1, 1, new byte[4]);
        bad[9] ^= 1;
        inject(icmpIn("10.0.0.9", "10.0.0.1", bad));
        inject(icmpIn("10.0.0.9", "10.0.0.1", Packets.icmp(13, 0, 0, new byte[12])));
        ProtoStats s = stack.stats().icmp;
        assertEquals(3, s.recv);
        assertEquals(1, s.lenerr);
        assertEquals(1, s.chkerr);
        assertEquals(1, s.proterr);
        assertEquals(3, s.drop);
        assertEquals(0, wire.count());
    }

    @Test
    void withoutChecksumCheckingADamagedEchoIsAnswered() {
        start(b -> b.checksumCheckIcmp(false));
        byte[] bad = Packets.echoRequest(1, 1, new byte[4]);
        bad[9] ^= 1;
        inject(icmpIn("10.0.0.9", "10.0.0.1", bad));
        assertEquals(1, wire.count());
        assertEquals(0, stack.stats().icmp.chkerr);
    }

    @Test
    void aBroadcastEchoIsAnsweredOnlyWhenConfiguredAndFromTheNetifsAddress() {
        start(b -> b);
        inject(icmpIn("10.0.0.9", "10.0.0.255", Packets.echoRequest(1, 1, new byte[4])));
        assertEquals(0, wire.count());
        assertEquals(1, stack.stats().icmp.drop);
        stack.close();
        start(b -> b.broadcastPing(true));
        inject(icmpIn("10.0.0.9", "10.0.0.255", Packets.echoRequest(1, 1, new byte[4])));
        assertEquals("10.0.0.1", addr(wire.poll().data(), 12));
        inject(icmpIn("0.0.0.0", "255.255.255.255", Packets.echoRequest(1, 1, new byte[4])));
        assertEquals(0, wire.count(), "nobody to answer: 0.0.0.0");
        assertEquals(1, stack.stats().icmp.drop);
    }

    @Test
    void errorsReachTheTransportWithTheNextHopMtuOnlyForFragmentationNeeded() {
        start(b -> b);
        List<IcmpError> errors = new ArrayList<>();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(4000);
        pcb.onError(errors::add);
        byte[] quoted = Packets.ipv4(17, "10.0.0.1", "10.0.0.9", 64, 0, Packets.udp(4000, 53, new byte[4]));
        inject(icmpIn("10.0.0.254", "10.0.0.1", Packets.icmp(3, 4, 1400, quoted)));
        inject(icmpIn("10.0.0.254", "10.0.0.1", Packets.icmp(11, 0, 1400, quoted)));
        inject(icmpIn("10.0.0.254", "10.0.0.1", Packets.icmp(3, 1, 1400, quoted)));
        assertEquals(List.of("3/4 mtu 1400", "11/0 mtu 0", "3/1 mtu 0"),
                errors.stream().map(e -> e.type() + "/" + e.code() + " mtu " + e.nextHopMtu()).toList());
        IcmpError e = errors.get(0);
        assertEquals("10.0.0.254", e.reporter().toString());
        assertEquals("10.0.0.9", e.remoteAddr().toString());
        assertEquals(53, e.remotePort());
        assertEquals(4000, e.localPort());
    }

    @Test
    void anErrorQuotingTooLittleOrNotIpv4IsALengthError() {
        start(b -> b);
        List<IcmpError> errors = new ArrayList<>();
        UdpPcb pcb = stack.newUdpPcb();
        pcb.bind(4000);
        pcb.onError(errors::add);
        byte[] quoted = Packets.ipv4(17, "10.0.0.1", "10.0.0.9", 64, 0, Packets.udp(4000, 53, new byte[4]));
        byte[] tooShort = Arrays.copyOf(quoted, 27);
        byte[] notV4 = quoted.clone();
        notV4[0] = 0x65;
        byte[] shortHeader = quoted.clone();
        shortHeader[0] = 0x44;
        byte[] exactly = Arrays.copyOf(quoted, 28);
        for (byte[] q : List.of(tooShort, notV4, shortHeader, exactly)) {
            inject(icmpIn("10.0.0.254", "10.0.0.1", Packets.icmp(3, 3, 0, q)));
        }
        assertEquals(3, stack.stats().icmp.lenerr);
        assertEquals(1, errors.size(), "the header and 8 bytes are enough");
        byte[] otherProtocol = Packets.ipv4(200, "10.0.0.1", "10.0.0.9", 64, 0, new byte[8]);
        inject(icmpIn("10.0.0.254", "10.0.0.1", Packets.icmp(3, 2, 0, otherProtocol)));
        assertEquals(3, stack.stats().icmp.lenerr, "no transport for 200: nothing to tell, nothing wrong");
        assertEquals(0, wire.count());
    }
}
