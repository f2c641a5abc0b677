package org.lwip4j.sim;

import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.netif.NetifTable;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;

/** One stack with one netif on a simulated driver, recording every frame it receives. */
final class SimNode {
    final StackContext ctx;
    final NetifTable table;
    final Netif netif;
    final List<CapturedFrame> received = new ArrayList<>();

    SimNode(Simulator sim, NetifDriver driver, String mac) {
        this(sim, driver, mac, StackConfig.defaults());
    }

    SimNode(Simulator sim, NetifDriver driver, String mac, StackConfig config) {
        ctx = new StackContext(config, sim.clock());
        table = new NetifTable(ctx);
        netif = table.add(driver, "eth0", mac == null ? null : MacAddress.parse(mac));
        netif.setUp(true);
        netif.setTap((n, p, out) -> {
            if (!out) {
                received.add(new CapturedFrame(ctx.now(), p.toByteArray()));
            }
        });
    }

    MacAddress mac() {
        return netif.mac();
    }

    /** Sends a raw frame through the netif (from the loop or the test thread). */
    Err send(byte[] frame) {
        Pbuf p = ctx.pbufs().allocPool(Layer.RAW, frame.length);
        p.copyFrom(0, frame, 0, frame.length);
        Err e = netif.linkOutput(p);
        p.free();
        return e;
    }

    /** Sends an IPv4-typed frame to {@code dst} whose payload starts with {@code seq}, {@code size} bytes in all. */
    Err send(MacAddress dst, int seq, int size) {
        return send(frame(dst, mac(), seq, size));
    }

    /** Sequence numbers of the received frames, in arrival order. */
    List<Integer> seqs() {
        List<Integer> l = new ArrayList<>();
        for (CapturedFrame f : received) {
            l.add(seqOf(f.data()));
        }
        return l;
    }

    long poolUsed() {
        return ctx.pbufs().poolStats().used + ctx.pbufs().ramStats().used;
    }

    static byte[] frame(MacAddress dst, MacAddress src, int seq, int size) {
        byte[] f = new byte[size];
        byte[] d = dst.toBytes();
        byte[] s = src.toBytes();
        System.arraycopy(d, 0, f, 0, 6);
        System.arraycopy(s, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        f[14] = (byte) (seq >>> 24);
        f[15] = (byte) (seq >>> 16);
        f[16] = (byte) (seq >>> 8);
        f[17] = (byte) seq;
        for (int i = 18; i < size; i++) {
            f[i] = (byte) (i * 7 + seq);
        }
        return f;
    }

    static int seqOf(byte[] f) {
        return ((f[14] & 0xff) << 24) | ((f[15] & 0xff) << 16) | ((f[16] & 0xff) << 8) | (f[17] & 0xff);
    }
}
