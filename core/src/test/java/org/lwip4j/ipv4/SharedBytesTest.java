package org.lwip4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.LinkType;
import org.lwip4j.netif.Netif;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.testing.Packets;

/** Bytes the stack does not own alone (caller memory, a second reference) are copied before any in-place edit. */
class SharedBytesTest {
    @Test
    void anEchoRequestInCallerMemoryIsAnsweredWithoutTouchingIt() {
        TunRig rig = new TunRig();
        byte[] request = Packets.ipv4(1, TunRig.PEER, TunRig.US, 64, 0, Packets.echoRequest(7, 1, "ping".getBytes()));
        byte[] before = request.clone();
        rig.input(Pbuf.wrap(request));
        List<byte[]> out = rig.sent();
        assertEquals(1, out.size());
        assertEquals(0, out.get(0)[20], "an echo reply");
        assertArrayEquals(before, request, "the caller's bytes are as they were");
        rig.assertNoLeaks();
    }

    @Test
    void anEchoRequestHeldTwiceIsAnsweredFromACopy() {
        TunRig rig = new TunRig();
        byte[] request = Packets.ipv4(1, TunRig.PEER, TunRig.US, 64, 0, Packets.echoRequest(7, 1, "ping".getBytes()));
        Pbuf p = rig.payload(request);
        p.ref();
        rig.input(p);
        assertEquals(1, rig.sent().size());
        // The shared pbuf's view moved past the IP header (as lwIP's does); its bytes did not change.
        assertArrayEquals(java.util.Arrays.copyOfRange(request, 20, request.length), p.toByteArray(),
                "the other holder still reads the echo request");
        p.free();
        rig.assertNoLeaks();
    }

    @Test
    void aForwardedPacketInCallerMemoryIsNotRewritten() {
        TunRig rig = new TunRig(1500, b -> b.ipForward(true));
        CaptureDriver right = new CaptureDriver(LinkType.IP, 1500);
        Netif tun1 = rig.stack.addNetif(right, "tun1");
        tun1.ip4().set(Ip4Interface.parse("10.2.0.1/24"));
        tun1.setUp(true);
        byte[] packet = Packets.ipv4(17, TunRig.PEER, "10.2.0.9", 64, 0, Packets.udp(1, 2, new byte[10]));
        byte[] before = packet.clone();
        rig.input(Pbuf.wrap(packet));
        byte[] out = right.poll().data();
        assertEquals(63, out[8] & 0xff, "TTL decremented on the copy that left");
        assertArrayEquals(before, packet, "the caller's bytes are as they were");
        rig.assertNoLeaks();
    }

    @Test
    void aSharedPartialChecksumIsCompletedInACopyBeforeFragmenting() {
        TunRig rig = new TunRig(576, b -> { });
        byte[] udp = Packets.udp(4000, 5000, new byte[1000]);
        int pseudo = Checksum.fold(Checksum.pseudoHeaderV4(0x0a000001, 0x0a000009, 17, udp.length));
        udp[6] = (byte) (pseudo >>> 8);
        udp[7] = (byte) pseudo;
        byte[] packet = Packets.ipv4(17, TunRig.US, TunRig.PEER, 64, 0, udp);
        byte[] before = packet.clone();
        Pbuf p = Pbuf.wrap(packet);
        p.setChecksumPartial(20, 6);
        RawPcb raw = rig.stack.newRawPcb(17);
        raw.setHeaderIncluded(true);
        assertEquals(Err.OK, raw.sendTo(p, org.lwip4j.addr.Ip4Address.parse(TunRig.PEER)));
        p.free();
        rig.run();
        assertEquals(2, rig.sent().size(), "fragmented at MTU 576");
        assertArrayEquals(before, packet, "the partial checksum was completed in a copy");
        rig.assertNoLeaks();
    }
}
