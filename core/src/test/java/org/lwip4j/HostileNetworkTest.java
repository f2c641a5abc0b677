package org.lwip4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwip4j.testing.SimNet.ip;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualSwitch;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.testing.SimNet;
import org.lwip4j.udp.UdpPcb;

/**
 * Stacks on two switched LANs joined by a router, every cable losing, duplicating,
 * reordering, delaying and corrupting frames, exchanging UDP datagrams of every size (many
 * fragmented) for a while of virtual time. Whatever the network does: nothing is thrown,
 * every datagram delivered is byte-exact one that was sent, corruption is caught and counted,
 * and once the network is quiet every pool is back to zero.
 *
 * <p>The Internet checksum (RFC 1071) cannot see two flips of the same bit position in
 * opposite directions within one datagram (a real link's CRC would have dropped both
 * frames); corruption is kept rare enough here that no datagram of these seeds is hit twice,
 * so every change the network makes must be caught.
 */
class HostileNetworkTest {
    private static final int HOSTS_PER_LAN = 3;
    private static final int PORT = 5000;
    private static final int DATAGRAMS = 600;

    private record Host(Stack stack, Ip4Address addr, UdpPcb pcb) {
    }

    /** A datagram's payload: its id in the first 4 bytes, then bytes derived from the id. */
    private static byte[] payload(int id, int size) {
        byte[] b = new byte[Math.max(4, size)];
        ByteBuffer.wrap(b).putInt(id);
        SplittableRandom r = new SplittableRandom(id);
        for (int i = 4; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void datagramsArriveIntactOrNotAtAllAndNothingLeaks(long seed) {
        SimNet net = new SimNet(seed);
        Impairments hostile = Impairments.builder()
                .loss(0.03).duplicate(0.03).reorder(0.1).corrupt(0.01)
                .delay(Duration.ofMillis(1), Duration.ofMillis(2))
                .build();
        VirtualSwitch[] lans = {new VirtualSwitch(net.sim), new VirtualSwitch(net.sim)};
        Stack router = net.stack(StackConfig.builder().ipForward(true).build());
        SimNet.attach(router, lans[0].newPort(hostile, hostile), "eth0", "10.1.0.1/24");
        SimNet.attach(router, lans[1].newPort(hostile, hostile), "eth1", "10.2.0.1/24");
        router.execute(() -> router.netifs().setDefault(null));

        Map<Integer, byte[]> sent = new HashMap<>();
        List<byte[]> received = new ArrayList<>();
        List<Host> hosts = new ArrayList<>();
        for (int lan = 0; lan < 2; lan++) {
            for (int h = 0; h < HOSTS_PER_LAN; h++) {
                Stack s = net.stack();
                String addr = "10." + (lan + 1) + ".0." + (10 + h);
                Netif n = SimNet.attach(s, lans[lan].newPort(hostile, hostile), "eth0", addr + "/24");
                n.ip4().setGateway(ip("10." + (lan + 1) + ".0.1"));
                UdpPcb pcb = s.newUdpPcb();
                assertEquals(Err.OK, pcb.bind(PORT));
                pcb.onReceive((pc, p, src, sport, nf) -> {
                    received.add(p.toByteArray());
                    p.free();
                });
                hosts.add(new Host(s, ip(addr), pcb));
            }
        }

        SplittableRandom r = new SplittableRandom(seed * 31);
        int[] sizes = {0, 1, 64, 512, 1472, 1473, 3000, 9000};
        for (int id = 0; id < DATAGRAMS; id++) {
            Host from = hosts.get(r.nextInt(hosts.size()));
            Host to = hosts.get(r.nextInt(hosts.size()));
            byte[] data = payload(id, sizes[r.nextInt(sizes.length)]);
            sent.put(id, data);
            Pbuf p = from.stack().context().pbufs().allocPool(Layer.TRANSPORT, data.length);
            assertNotNull(p, "the sender's pool has room");
            p.copyFrom(0, data, 0, data.length);
            Err e = from.pcb().sendTo(p, to.addr(), PORT);
            p.free();
            assertTrue(e == Err.OK || e == Err.MEM || e == Err.RTE, "send: " + e);
            net.runFor(Duration.ofMillis(r.nextInt(5)));
        }
        // Quiet: let every retry, reassembly and ARP timer run out.
        net.runFor(Duration.ofSeconds(60));

        int intact = 0;
        for (byte[] got : received) {
            assertTrue(got.length >= 4, "a datagram shorter than any sent");
            byte[] want = sent.get(ByteBuffer.wrap(got).getInt());
            assertNotNull(want, "a datagram nobody sent");
            assertArrayEquals(want, got, "a datagram delivered changed");
            intact++;
        }
        assertTrue(intact > DATAGRAMS / 3, "most datagrams get through: " + intact + " of " + DATAGRAMS);
        long caught = 0;
        for (Stack s : net.stacks()) {
            caught += s.stats().ip.chkerr + s.stats().udp.chkerr + s.stats().icmp.chkerr;
            assertEquals(List.of(), SimNet.leakedPbufs(s), "pools of " + s);
            assertEquals(0, s.ipv4().reassembly().pendingDatagrams());
        }
        assertTrue(caught > 0, "corrupted packets were caught by their checksums and counted");
    }
}
