package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;
import org.lwip4j.buffer.Bytes;

/**
 * What an IPv4 header says (RFC 791 §3.1), as a value: the {@link Ipv4Packet} view's
 * high-level counterpart. The header checksum is not a field: {@link #parse} verifies it
 * and {@link #emit} computes it, each unless told the checksum is offloaded.
 *
 * @param tos        type of service byte (DSCP and ECN, RFC 2474 §3, RFC 3168 §5)
 * @param payloadLen bytes after the header (total length minus header length)
 * @param ident      identification
 * @param flagsFrag  the 16-bit flags/fragment-offset word ({@link Ipv4Packet#FLAG_DF},
 *                   {@link Ipv4Packet#FLAG_MF}, offset in 8-byte units)
 * @param ttl        time to live
 * @param protocol   protocol number of the payload
 * @param src        source address bits
 * @param dst        destination address bits
 * @param options    option bytes (RFC 791 §3.1 "Options"), padded with end-of-list bytes
 *                   to a multiple of 4, at most 40; empty for none. The record keeps its
 *                   own copy and hands out copies.
 */
public record Ipv4Repr(int tos, int payloadLen, int ident, int flagsFrag, int ttl, int protocol,
        int src, int dst, byte[] options) {
    /** Most option bytes a header can carry (IHL 15). */
    public static final int MAX_OPTIONS_LEN = Ipv4Packet.MAX_HEADER_LEN - Ipv4Packet.MIN_HEADER_LEN;

    /**
     * Checks the fields fit their wire widths and the datagram fits 65535 bytes; pads the
     * options with end-of-list bytes to a multiple of 4.
     *
     * @throws IllegalArgumentException when a field does not fit
     */
    public Ipv4Repr {
        options = options == null ? new byte[0] : Arrays.copyOf(options, (options.length + 3) & ~3);
        if (options.length > MAX_OPTIONS_LEN) {
            throw new IllegalArgumentException("IPv4 options longer than 40 bytes: " + options.length);
        }
        if ((tos & ~0xff) != 0 || (ttl & ~0xff) != 0 || (protocol & ~0xff) != 0) {
            throw new IllegalArgumentException("TOS, TTL and protocol are bytes");
        }
        if ((ident & ~0xffff) != 0 || (flagsFrag & ~0xffff) != 0) {
            throw new IllegalArgumentException("identification and flags/offset are 16 bits");
        }
        if (payloadLen < 0 || payloadLen > 0xffff - Ipv4Packet.MIN_HEADER_LEN - options.length) {
            throw new IllegalArgumentException("IPv4 payload length out of range: " + payloadLen);
        }
    }

    /** A header without options. */
    public Ipv4Repr(int tos, int payloadLen, int ident, int flagsFrag, int ttl, int protocol, int src, int dst) {
        this(tos, payloadLen, ident, flagsFrag, ttl, protocol, src, dst, null);
    }

    /**
     * Parses {@code len} bytes at {@code off} as an IPv4 packet and verifies its header
     * checksum (RFC 791 §3.1 "Header Checksum"). The checks are {@link Ipv4Packet#check}'s,
     * then {@code BAD_CHECKSUM}. Never throws for any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<Ipv4Repr> parse(MemorySegment s, long off, int len) {
        return parse(s, off, len, true);
    }

    /**
     * As {@link #parse(MemorySegment, long, int)}; with {@code verifyChecksum} false the
     * header checksum is not looked at (a device vouched for it: receive offload).
     */
    public static ParseResult<Ipv4Repr> parse(MemorySegment s, long off, int len, boolean verifyChecksum) {
        int hl = Ipv4Packet.check(s, off, len);
        if (hl < 0) {
            return ParseResult.error(Drop.ofCode(hl));
        }
        if (verifyChecksum && !Ipv4Packet.checksumOk(s, off, hl)) {
            return ParseResult.error(Drop.BAD_CHECKSUM);
        }
        byte[] opts = new byte[hl - Ipv4Packet.MIN_HEADER_LEN];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off + Ipv4Packet.MIN_HEADER_LEN, opts, 0, opts.length);
        return ParseResult.ok(new Ipv4Repr(Ipv4Packet.tos(s, off), Ipv4Packet.totalLen(s, off) - hl,
                Ipv4Packet.ident(s, off), Ipv4Packet.flagsFrag(s, off), Ipv4Packet.ttl(s, off),
                Ipv4Packet.protocol(s, off), Ipv4Packet.src(s, off), Ipv4Packet.dst(s, off), opts));
    }

    /** A copy of the option bytes. */
    @Override
    public byte[] options() {
        return options.clone();
    }

    /** Option bytes (a multiple of 4, 0..40). */
    public int optionsLen() {
        return options.length;
    }

    /** Header bytes: 20 plus the options. */
    public int bufferLen() {
        return Ipv4Packet.MIN_HEADER_LEN + options.length;
    }

    /** The total length field: header plus payload. */
    public int totalLen() {
        return bufferLen() + payloadLen;
    }

    /** True when the don't-fragment flag is set. */
    public boolean dontFragment() {
        return (flagsFrag & Ipv4Packet.FLAG_DF) != 0;
    }

    /** True when the more-fragments flag is set. */
    public boolean moreFragments() {
        return (flagsFrag & Ipv4Packet.FLAG_MF) != 0;
    }

    /** Fragment offset in bytes. */
    public int fragOffset() {
        return (flagsFrag & Ipv4Packet.OFFSET_MASK) * 8;
    }

    /** The same header with another payload length. */
    public Ipv4Repr withPayloadLen(int newPayloadLen) {
        return new Ipv4Repr(tos, newPayloadLen, ident, flagsFrag, ttl, protocol, src, dst, options);
    }

    /**
     * Writes exactly {@link #bufferLen()} header bytes at {@code off}; computes the header
     * checksum when {@code checksum} is true, else leaves the field zero (offloaded).
     */
    public void emit(MemorySegment s, long off, boolean checksum) {
        Ipv4Packet.emit(s, off, tos, totalLen(), ident, flagsFrag, ttl, protocol, src, dst, false);
        int hl = bufferLen();
        Bytes.put8(s, off + Ipv4Packet.Field.VER_IHL, 0x40 | (hl >>> 2));
        MemorySegment.copy(options, 0, s, ValueLayout.JAVA_BYTE, off + Ipv4Packet.Field.OPTIONS, options.length);
        if (checksum) {
            Ipv4Packet.fillChecksum(s, off, hl);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Repr r && tos == r.tos && payloadLen == r.payloadLen && ident == r.ident
                && flagsFrag == r.flagsFrag && ttl == r.ttl && protocol == r.protocol && src == r.src
                && dst == r.dst && Arrays.equals(options, r.options);
    }

    @Override
    public int hashCode() {
        int h = ((tos * 31 + payloadLen) * 31 + ident) * 31 + flagsFrag;
        h = ((h * 31 + ttl) * 31 + protocol) * 31 + src;
        return (h * 31 + dst) * 31 + Arrays.hashCode(options);
    }

    @Override
    public String toString() {
        return "Ipv4Repr[" + WireText.ip4(src) + " > " + WireText.ip4(dst) + ", proto=" + protocol + ", tos=0x"
                + Integer.toHexString(tos) + ", payloadLen=" + payloadLen + ", ident=0x" + Integer.toHexString(ident)
                + ", flagsFrag=0x" + Integer.toHexString(flagsFrag) + ", ttl=" + ttl
                + (options.length > 0 ? ", options=" + HexFormat.of().formatHex(options) : "") + "]";
    }
}
