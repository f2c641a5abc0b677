package org.lwip4j.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.testing.SimNet;

/** A client stack and a server stack on one seeded virtual link, with an IPv4 and an IPv6 address each. */
public final class TwoStacks {
    public static final Ip4Address CLIENT4 = Ip4Address.parse("10.1.0.1");
    public static final Ip4Address SERVER4 = Ip4Address.parse("10.1.0.2");
    public static final Ip6Address CLIENT6 = Ip6Address.parse("fd00:77::1");
    public static final Ip6Address SERVER6 = Ip6Address.parse("fd00:77::2");

    public final SimNet net;
    public final Stack client;
    public final Stack server;

    public TwoStacks(long seed, Impairments imp) {
        net = new SimNet(seed);
        StackConfig cfg = StackConfig.builder().loopbackNetif(false)
                .tcp(t -> t.minRto(Duration.ofMillis(200)).msl(Duration.ofSeconds(1))).build();
        client = net.stack(cfg);
        server = net.stack(cfg);
        VirtualLink link = net.link(imp);
        Netif nc = SimNet.attach(client, link.endpointA(), "eth0", CLIENT4 + "/24");
        Netif ns = SimNet.attach(server, link.endpointB(), "eth0", SERVER4 + "/24");
        nc.ip6().add(CLIENT6, 64);
        ns.ip6().add(SERVER6, 64);
        assertTrue(net.runUntil(() -> preferred(nc, CLIENT6) && preferred(ns, SERVER6), Duration.ofSeconds(10)), "DAD done");
    }

    public TwoStacks(long seed) {
        this(seed, Impairments.builder().delay(Duration.ofMillis(2)).rate(1_000_000_000L).build());
    }

    private static boolean preferred(Netif n, Ip6Address a) {
        Ip6Addresses.Entry e = n.ip6().find(a);
        return e != null && e.state() == Ip6Addresses.State.PREFERRED;
    }

    /** A TCP client connection of the client stack: what it received, whether the FIN came, errors. */
    public static final class Conn {
        public final TcpPcb pcb;
        public final ByteArrayOutputStream received = new ByteArrayOutputStream();
        public final List<Err> errors = new ArrayList<>();
        public boolean connected;
        public boolean fin;

        Conn(TcpPcb pcb) {
            this.pcb = pcb;
        }

        /** Sends all of {@code data} as the send buffer takes it (on each sent callback). */
        public void send(byte[] data) {
            send(data, false);
        }

        /** As {@link #send(byte[])}, then shuts the sending side (a FIN after the last byte), as iperf's client does. */
        public void sendThenFin(byte[] data) {
            send(data, true);
        }

        private void send(byte[] data, boolean fin) {
            int[] sent = {0};
            Runnable pump = () -> {
                while (sent[0] < data.length) {
                    int n = Math.min(pcb.sndbuf(), data.length - sent[0]);
                    if (n <= 0 || pcb.write(data, sent[0], n, TcpPcb.WRITE_COPY) != Err.OK) {
                        return;
                    }
                    sent[0] += n;
                    if (fin && sent[0] == data.length) {
                        pcb.shutdown(false, true);
                    }
                }
            };
            pcb.onSent((p, n) -> pump.run());
            pump.run();
        }

        /** Received bytes as a string (ASCII). */
        public String text() {
            return received.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** Connects from the client stack to {@code addr}:{@code port}, collecting what comes back. */
    public Conn connect(IpAddress addr, int port) {
        TcpPcb pcb = client.newTcpPcb();
        Conn c = new Conn(pcb);
        pcb.onRecv((p, data) -> {
            if (data == null) {
                c.fin = true;
                p.close();
                return;
            }
            int n = data.totalLength();
            c.received.writeBytes(data.toByteArray());
            data.free();
            p.recved(n);
        });
        pcb.onErr(c.errors::add);
        assertEquals(Err.OK, pcb.connect(addr, port, p -> c.connected = true));
        assertTrue(net.runUntil(() -> c.connected || !c.errors.isEmpty(), Duration.ofSeconds(10)), "connect");
        return c;
    }

    /** Runs until {@code cond} or 60 s of virtual time; fails on the bound. */
    public void await(java.util.function.BooleanSupplier cond, String what) {
        assertTrue(net.runUntil(cond, Duration.ofSeconds(60)), what);
    }

    /** A pbuf of the client stack with {@code data}. */
    public Pbuf clientPbuf(byte[] data) {
        return client.pbuf(data);
    }
}
