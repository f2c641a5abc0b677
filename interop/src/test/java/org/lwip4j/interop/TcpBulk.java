package org.lwip4j.interop;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.stack.Err;
import org.lwip4j.tcp.TcpPcb;

/**
 * Bulk TCP ends on the stack's loop for the interop tests: a {@link Sink} hashes (SHA-256)
 * what arrives until the FIN, a {@link Source} sends a number of pseudo-random bytes,
 * hashing them, then closes. Each completes a future with {@code "N HEX"} (bytes and
 * digest), or exceptionally with the connection's error.
 */
final class TcpBulk {
    private TcpBulk() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Hashes what arrives; at the FIN, optionally writes the result back ({@code "sha256 HEX len N\n"}), then closes. */
    static final class Sink {
        final CompletableFuture<String> done = new CompletableFuture<>();
        private final MessageDigest md = sha256();
        private final byte[] scratch = new byte[65536];
        private final boolean reply;
        private long bytes;

        Sink(boolean reply) {
            this.reply = reply;
        }

        void attach(TcpPcb c) {
            c.onErr(e -> done.completeExceptionally(new AssertionError("sink connection failed: " + e + " after " + bytes)));
            c.onRecv(this::recv);
        }

        private void recv(TcpPcb c, Pbuf p) {
            if (p == null) {
                String r = bytes + " " + HexFormat.of().formatHex(md.digest());
                if (reply) {
                    byte[] line = ("sha256 " + r.substring(r.indexOf(' ') + 1) + " len " + bytes + "\n").getBytes();
                    c.write(line);
                }
                c.onErr(null);
                c.close();
                done.complete(r);
                return;
            }
            int n = p.totalLength();
            for (int off = 0; off < n; off += scratch.length) {
                int k = Math.min(scratch.length, n - off);
                p.copyTo(off, scratch, 0, k);
                md.update(scratch, 0, k);
            }
            bytes += n;
            p.free();
            c.recved(n);
        }
    }

    /**
     * Sends {@code total} pseudo-random bytes (seeded), then closes (a FIN after the data).
     * With {@code zeroCopy}, writes cycle through a copied write, a zero-copy write of a heap
     * array and a zero-copy write of off-heap memory (each never changed again), so frames
     * chain views of both kinds of memory after their headers.
     */
    static final class Source {
        final CompletableFuture<String> done = new CompletableFuture<>();
        private final MessageDigest md = sha256();
        private final long total;
        private final SplittableRandom random;
        private final byte[] chunk = new byte[65536];
        private long sent;
        private boolean closed;
        private final boolean zeroCopy;
        private int writes;

        Source(long total, long seed) {
            this(total, seed, false);
        }

        Source(long total, long seed, boolean zeroCopy) {
            this.total = total;
            this.random = new SplittableRandom(seed);
            this.zeroCopy = zeroCopy;
        }

        private Err write(TcpPcb c, int n) {
            switch (zeroCopy ? writes++ % 3 : 0) {
                case 1 -> {
                    return c.write(java.util.Arrays.copyOf(chunk, n), 0, n, 0);
                }
                case 2 -> {
                    java.lang.foreign.MemorySegment m = java.lang.foreign.Arena.ofAuto().allocate(n);
                    java.lang.foreign.MemorySegment.copy(chunk, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, n);
                    Pbuf p = Pbuf.wrap(m);
                    Err e = c.write(p, 0);
                    p.free();
                    return e;
                }
                default -> {
                    return c.write(chunk, 0, n, TcpPcb.WRITE_COPY);
                }
            }
        }

        void attach(TcpPcb c) {
            c.onErr(e -> done.completeExceptionally(new AssertionError("source connection failed: " + e + " after " + sent)));
            c.onRecv((pcb, p) -> {
                if (p != null) {
                    pcb.recved(p.totalLength());
                    p.free();
                }
            });
            c.onSent((pcb, n) -> pump(pcb));
            pump(c);
        }

        private void pump(TcpPcb c) {
            while (sent < total) {
                int n = (int) Math.min(Math.min(c.sndbuf(), chunk.length), total - sent);
                if (n <= 0) {
                    return;
                }
                random.nextBytes(chunk);
                if (write(c, n) != Err.OK) {
                    return;
                }
                md.update(chunk, 0, n);
                sent += n;
            }
            if (!closed) {
                closed = true;
                c.onErr(null);
                c.close();
                done.complete(sent + " " + HexFormat.of().formatHex(md.digest()));
            }
        }
    }

    /** A listener on {@code port} of the stack whose accepted connections get {@code attach}. */
    static TcpPcb listen(Stack stack, int port, java.util.function.Consumer<TcpPcb> attach) {
        return listen(stack, org.lwip4j.addr.Ip4Address.ANY, port, attach);
    }

    /** A listener on {@code local}:{@code port} of the stack ({@code ::}: both families) whose accepted connections get {@code attach}. */
    static TcpPcb listen(Stack stack, IpAddress local, int port, java.util.function.Consumer<TcpPcb> attach) {
        return stack.call(() -> {
            TcpPcb l = stack.newTcpPcb();
            if (l.bind(local, port) != Err.OK || l.listen(4) != Err.OK) {
                throw new AssertionError("cannot listen on " + port);
            }
            l.onAccept((lst, c) -> attach.accept(c));
            return l;
        });
    }

    /** Connects from the stack to {@code addr}:{@code port}; {@code attach} runs once connected. */
    static void connect(Stack stack, IpAddress addr, int port, java.util.function.Consumer<TcpPcb> attach,
            CompletableFuture<String> failure) {
        stack.call(() -> {
            TcpPcb c = stack.newTcpPcb();
            c.onErr(e -> failure.completeExceptionally(new AssertionError("connect to " + addr + ":" + port + " failed: " + e)));
            Err e = c.connect(addr, port, attach::accept);
            if (e != Err.OK) {
                throw new AssertionError("connect: " + e);
            }
            return null;
        });
    }
}
