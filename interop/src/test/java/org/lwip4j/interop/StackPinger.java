package org.lwip4j.interop;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/**
 * The stack as a ping client: echo requests sent from a raw ICMP pcb, and every ICMP
 * message that comes back (other than requests, which the stack answers itself) handed to
 * the test thread through a queue.
 */
final class StackPinger implements AutoCloseable {
    /** One ICMP message received by the stack. */
    record Reply(String from, int ttl, int type, int code, int ident, int seq, byte[] data) {
    }

    private final Stack stack;
    private final RawPcb pcb;
    private final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();

    /** A pinger on {@code stack} (made on its loop). */
    StackPinger(Stack stack) {
        this.stack = stack;
        this.pcb = stack.call(() -> {
            RawPcb p = stack.newRawPcb(Ipv4Packet.PROTO_ICMP);
            p.onReceive((pc, pkt, src) -> {
                MemorySegment s = pkt.segment();
                int off = pkt.offset();
                int hl = Ipv4Packet.headerLen(s, off);
                int type = Icmpv4Packet.type(s, off + hl);
                if (type == Icmpv4Packet.TYPE_ECHO) {
                    return false;
                }
                byte[] all = pkt.toByteArray();
                replies.add(new Reply(src.toString(), Ipv4Packet.ttl(s, off), type, Icmpv4Packet.code(s, off + hl),
                        Icmpv4Packet.ident(s, off + hl), Icmpv4Packet.seq(s, off + hl), Arrays.copyOfRange(all, hl + 8, all.length)));
                pkt.free();
                return true;
            });
            return p;
        });
    }

    /** Sends an echo request with {@code size} bytes of {@link #pattern} data (on the loop). */
    Err ping(String dst, int ident, int seq, int size) {
        Ip4Address to = Ip4Address.parse(dst);
        return stack.call(() -> {
            byte[] msg = new byte[8 + size];
            msg[0] = (byte) Icmpv4Packet.TYPE_ECHO;
            msg[4] = (byte) (ident >>> 8);
            msg[5] = (byte) ident;
            msg[6] = (byte) (seq >>> 8);
            msg[7] = (byte) seq;
            System.arraycopy(pattern(size, seq), 0, msg, 8, size);
            int c = Checksum.of(msg, 0, msg.length);
            msg[2] = (byte) (c >>> 8);
            msg[3] = (byte) c;
            Pbuf p = stack.context().pbufs().allocPool(Layer.IP, msg.length);
            if (p == null) {
                return Err.MEM;
            }
            p.copyFrom(0, msg, 0, msg.length);
            Err e = pcb.sendTo(p, to);
            p.free();
            return e;
        });
    }

    /** The next ICMP message, waiting at most {@code limit}; null when none came. */
    Reply next(Duration limit) throws InterruptedException {
        return replies.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The data an echo request with this sequence number carries. */
    static byte[] pattern(int size, int seq) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 7 + seq);
        }
        return b;
    }

    @Override
    public void close() {
        stack.call(() -> {
            pcb.close();
            return null;
        });
    }
}
