package org.lwip4j.testing;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.buffer.Checksum;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.raw.RawPcb;
import org.lwip4j.stack.Err;
import org.lwip4j.wire.Icmpv4Packet;
import org.lwip4j.wire.Ipv4Packet;

/** A ping client on a raw ICMP pcb, recording every ICMP message that comes back. */
public final class Pinger {
    /** One received ICMP message. */
    public record Reply(IpAddress from, int ttl, int type, int code, int ident, int seq, byte[] data) {
    }

    private final Stack stack;
    private final RawPcb pcb;
    public final List<Reply> replies = new ArrayList<>();

    public Pinger(Stack stack) {
        this.stack = stack;
        this.pcb = stack.newRawPcb(Ipv4Packet.PROTO_ICMP);
        pcb.onReceive((pcb, p, src) -> {
            MemorySegment s = p.segment();
            int off = p.offset();
            int hl = Ipv4Packet.headerLen(s, off);
            int type = Icmpv4Packet.type(s, off + hl);
            if (type == Icmpv4Packet.TYPE_ECHO) {
                return false; // requests are for the stack to answer
            }
            byte[] all = p.toByteArray();
            byte[] data = java.util.Arrays.copyOfRange(all, hl + 8, all.length);
            replies.add(new Reply(src, Ipv4Packet.ttl(s, off), type, Icmpv4Packet.code(s, off + hl),
                    Icmpv4Packet.ident(s, off + hl), Icmpv4Packet.seq(s, off + hl), data));
            p.free();
            return true;
        });
    }

    public RawPcb pcb() {
        return pcb;
    }

    /** Sends an echo request with {@code size} bytes of patterned data. */
    public Err ping(IpAddress dst, int ident, int seq, int size) {
        Pbuf p = stack.context().pbufs().allocPool(Layer.IP, 8 + size);
        byte[] data = pattern(size, seq);
        byte[] msg = new byte[8 + size];
        msg[0] = (byte) Icmpv4Packet.TYPE_ECHO;
        msg[4] = (byte) (ident >>> 8);
        msg[5] = (byte) ident;
        msg[6] = (byte) (seq >>> 8);
        msg[7] = (byte) seq;
        System.arraycopy(data, 0, msg, 8, size);
        int c = Checksum.of(msg, 0, msg.length);
        msg[2] = (byte) (c >>> 8);
        msg[3] = (byte) c;
        p.copyFrom(0, msg, 0, msg.length);
        Err e = pcb.sendTo(p, dst);
        p.free();
        return e;
    }

    /** The data an echo request with this sequence number carries. */
    public static byte[] pattern(int size, int seq) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 7 + seq);
        }
        return b;
    }
}
