package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole run over in-memory devices: start, echo, stop on a signal, clean-up and stats. */
class RunLifecycleTest {
    private static final int SRC = 0x0a080001; // 10.8.0.1, the host side
    private static final int DST = 0x0a080002; // 10.8.0.2, the stack

    private final List<ManualStop> stops = new ArrayList<>();

    /** Runs the command on a thread of its own (not the common pool, which may have a single thread). */
    private static CompletableFuture<Integer> run(Supplier<Integer> command) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.ofPlatform().name("lwip4j-run").start(() -> {
            try {
                f.complete(command.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private ManualStop newStop() {
        ManualStop s = new ManualStop();
        stops.add(s);
        return s;
    }

    /** A run a failed test left behind is stopped, so its stack and thread go away. */
    @AfterEach
    void stopLeftovers() {
        for (ManualStop s : stops) {
            if (s.installed.isDone() && !s.released) {
                s.installed.join().run();
            }
        }
    }

    @Test
    void theReadyFileAppearsOnceTheStackRunsAndGoesAwayOnStop(@TempDir Path dir) throws Exception {
        Path ready = dir.resolve("run.ready");
        Files.writeString(ready, "stale, from a run that was killed\n");
        FakePlatform platform = new FakePlatform();
        ManualStop stop = newStop();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (WatchService watch = dir.getFileSystem().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            CompletableFuture<Integer> code = run(() -> Main.execute(platform, stop,
                    new PrintWriter(out, true), new PrintWriter(err, true), "run", "--ready-file", ready.toString()));
            boolean seen = false;
            while (!seen) {
                WatchKey k = watch.poll(10, TimeUnit.SECONDS);
                assertNotNull(k, "no ready file: " + err);
                seen = k.pollEvents().stream().anyMatch(e -> ready.getFileName().equals(e.context()));
                k.reset();
            }
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(ready));
            assertTrue(out.toString().contains("Stop with Ctrl-C"), "the banner comes first: " + out);
            assertEquals(1, platform.drivers.size());
            assertNotNull(platform.drivers.getFirst().netif, "the device is attached before the file appears");
            stop.fire();
            assertEquals(0, code.get(10, TimeUnit.SECONDS), err.toString());
        }
        assertFalse(Files.exists(ready), "removed on stop");
    }

    @Test
    void echoesUdpCapturesAndStopsCleanly() throws Exception {
        FakePlatform platform = new FakePlatform();
        ManualStop stop = newStop();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> code = run(() -> Main.execute(platform, stop,
                new PrintWriter(out, true), new PrintWriter(err, true),
                "run", "--tun", "tun9", "--ip4", "10.8.0.2/24", "--pcap", "t.pcap", "--stats", "3600"));
        assertTrue(platform.attached.await(10, TimeUnit.SECONDS), "the device was never attached: " + err);
        FakePlatform.FakeDriver d = platform.drivers.getFirst();

        byte[] payload = "hello, lwip4j".getBytes();
        d.inject(Packets.udp4(SRC, DST, 40000, StackRunner.ECHO_PORT, payload));
        byte[] reply = d.sent.poll(10, TimeUnit.SECONDS);
        assertNotNull(reply, "no echo reply");
        assertEquals(DST, Packets.src(reply));
        assertEquals(SRC, Packets.dst(reply));
        assertEquals(StackRunner.ECHO_PORT, Packets.srcPort(reply));
        assertEquals(40000, Packets.dstPort(reply));
        assertArrayEquals(payload, Arrays.copyOfRange(reply, 28, reply.length));

        stop.fire();
        assertEquals(0, code.get(10, TimeUnit.SECONDS), err.toString());
        String o = out.toString();
        assertTrue(o.contains("ping 10.8.0.2"), o);
        assertTrue(o.contains("tun9"), o);
        assertTrue(o.contains("stopped; devices released, captures flushed"), o);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("UDP ")), "stats table printed at exit:\n" + o);
        assertEquals(1, d.closes.get(), "the driver is closed once");
        assertEquals(1, platform.captures.getFirst().closes.get(), "the capture is closed");
        assertEquals(2, platform.captures.getFirst().frames(), "request and reply captured");
        assertEquals("tun9 10.8.0.1/24", platform.hostConfigured.getFirst());
        assertTrue(stop.released, "signal handlers undone");
    }

    @Test
    void anAttachedDeviceKeepsItsHostSide() throws Exception {
        FakePlatform platform = new FakePlatform();
        platform.create = false;
        ManualStop stop = newStop();
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> code = run(() -> Main.execute(platform, stop,
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "run", "--tap", "tap9"));
        assertTrue(platform.attached.await(10, TimeUnit.SECONDS));
        stop.fire();
        assertEquals(0, code.get(10, TimeUnit.SECONDS));
        assertTrue(platform.hostConfigured.isEmpty());
        assertTrue(out.toString().contains("host side left as it was"), out.toString());
        assertTrue(out.toString().contains("stopped; devices released"), out.toString());
    }

    @Test
    void aFailedSecondDeviceReleasesTheFirst() {
        FakePlatform platform = new FakePlatform();
        platform.failOpenOf = "b0";
        platform.failOpen = "tap device b0 is busy";
        StringWriter err = new StringWriter();
        int code = Main.execute(platform, new ManualStop(), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "run", "--forward", "--if", "tap:a0,ip4=10.1.0.1/24", "--if", "tap:b0,ip4=10.2.0.1/24");
        assertEquals(1, code);
        assertEquals("lwip4j: tap device b0 is busy", err.toString().strip());
        assertEquals(1, platform.drivers.getFirst().closes.get());
    }
}
