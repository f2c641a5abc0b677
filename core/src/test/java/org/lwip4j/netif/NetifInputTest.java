package org.lwip4j.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.sim.CaptureDriver;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.VirtualClock;

/** {@link Netif#input(Pbuf)} from threads other than the loop's. */
class NetifInputTest {
    private final VirtualClock clock = new VirtualClock();
    private final StackContext ctx = new StackContext(StackConfig.builder().netifInputQueue(2).build(), clock);
    private final NetifTable table = new NetifTable(ctx);
    private final CaptureDriver dev = new CaptureDriver();
    private final Netif netif = table.add(dev, "test0", MacAddress.parse("02:00:00:00:00:01"));

    private List<Pbuf> frames(int n) {
        List<Pbuf> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Pbuf p = ctx.pbufs().allocPool(Layer.RAW, 60);
            p.copyFrom(0, new byte[60], 0, 60);
            l.add(p);
        }
        return l;
    }

    private List<Err> inputFromAnotherThread(List<Pbuf> frames) throws InterruptedException {
        List<Err> results = new ArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> {
            for (Pbuf p : frames) {
                results.add(netif.input(p));
            }
        });
        t.join();
        return results;
    }

    @Test
    void aFullQueueDropsAreCountedAndFreedOnTheLoop() throws Exception {
        netif.setUp(true);
        ctx.loop().poll(0); // this thread now drives the loop
        List<Pbuf> in = frames(4);
        assertEquals(List.of(Err.OK, Err.OK, Err.MEM, Err.MEM), inputFromAnotherThread(in));
        assertEquals(2, netif.counters().queueDrops.get());
        // Nothing was freed off the loop: the pool still holds all four until the loop turns.
        assertEquals(4, ctx.pbufs().poolStats().used);
        ctx.loop().poll(0);
        assertEquals(2, netif.counters().inPackets, "the two queued frames were processed");
        assertEquals(0, ctx.pbufs().poolStats().used, "the refused ones were freed on the loop");
    }

    @Test
    void framesForARemovedNetifAreFreedOnTheLoop() throws Exception {
        netif.setUp(true);
        ctx.loop().poll(0);
        table.remove(netif);
        List<Pbuf> in = frames(1);
        assertEquals(List.of(Err.IF), inputFromAnotherThread(in));
        assertEquals(1, ctx.pbufs().poolStats().used);
        ctx.loop().poll(0);
        assertEquals(0, ctx.pbufs().poolStats().used);
    }

    @Test
    void removalFreesWhatIsQueuedAndCountsItAsDiscarded() throws Exception {
        netif.setUp(true);
        ctx.loop().poll(0);
        assertEquals(List.of(Err.OK, Err.OK), inputFromAnotherThread(frames(2)));
        assertEquals(2, ctx.pbufs().poolStats().used, "queued, not yet processed");
        table.remove(netif);
        assertEquals(0, ctx.pbufs().poolStats().used, "freed by the removal, on the loop");
        assertEquals(2, netif.counters().inDiscards);
        assertEquals(0, netif.counters().inPackets);
        ctx.loop().poll(0);
        assertEquals(0, netif.counters().inPackets, "and never processed afterwards");
    }
}
