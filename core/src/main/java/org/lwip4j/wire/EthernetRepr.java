package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;

/**
 * What an Ethernet II header says (IEEE 802.3 §3.2.6 with RFC 894 framing), as a value:
 * the {@link EthernetFrame} view's high-level counterpart, smoltcp's {@code EthernetRepr}.
 *
 * @param dst       destination MAC in the low 48 bits
 * @param src       source MAC in the low 48 bits
 * @param etherType the EtherType of the payload (after the tag, when tagged); at least
 *                  {@code 0x0600}, since IEEE 802.3 length fields are not carried
 * @param vlan      the whole 16-bit IEEE 802.1Q tag control information (priority code
 *                  point, drop eligible indicator, VLAN id) of a tagged frame, or
 *                  {@link #UNTAGGED}
 */
public record EthernetRepr(long dst, long src, int etherType, int vlan) {
    /** The {@link #vlan} of an untagged frame. */
    public static final int UNTAGGED = -1;

    /**
     * Checks the fields fit their wire widths.
     *
     * @throws IllegalArgumentException when a field does not fit, or the EtherType is an
     *                                  IEEE 802.3 length (below 0x0600)
     */
    public EthernetRepr {
        if ((dst & ~0xffff_ffff_ffffL) != 0 || (src & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
        if (etherType < 0x0600 || etherType > 0xffff) {
            throw new IllegalArgumentException("EtherType out of range: " + etherType);
        }
        if (vlan < UNTAGGED || vlan > 0xffff) {
            throw new IllegalArgumentException("802.1Q TCI out of range: " + vlan);
        }
    }

    /** An untagged header. */
    public static EthernetRepr of(long dst, long src, int etherType) {
        return new EthernetRepr(dst, src, etherType, UNTAGGED);
    }

    /**
     * Parses the header of a frame of {@code len} bytes at {@code off}, with the checks of
     * {@link EthernetFrame#check}: at least 14 bytes (18 when tagged), and an EtherType, not
     * an IEEE 802.3 length. Never throws for any bytes within {@code [off, off+len)}.
     */
    public static ParseResult<EthernetRepr> parse(MemorySegment s, long off, int len) {
        int hl = EthernetFrame.check(s, off, len);
        if (hl < 0) {
            return ParseResult.error(Drop.ofCode(hl));
        }
        return ParseResult.ok(new EthernetRepr(EthernetFrame.destination(s, off), EthernetFrame.source(s, off),
                EthernetFrame.etherType(s, off, hl), EthernetFrame.tci(s, off)));
    }

    /** True when the frame carries an 802.1Q tag. */
    public boolean tagged() {
        return vlan != UNTAGGED;
    }

    /** The 12-bit VLAN id of a tagged frame, or -1. */
    public int vlanId() {
        return tagged() ? vlan & 0x0fff : -1;
    }

    /** The 3-bit priority code point (IEEE 802.1Q §6.9.3) of a tagged frame, or -1. */
    public int priority() {
        return tagged() ? vlan >>> 13 : -1;
    }

    /** Header bytes: 14, or 18 with the tag. */
    public int bufferLen() {
        return tagged() ? EthernetFrame.TAGGED_HEADER_LEN : EthernetFrame.HEADER_LEN;
    }

    /** Writes exactly {@link #bufferLen()} header bytes at {@code off}. */
    public void emit(MemorySegment s, long off) {
        if (tagged()) {
            EthernetFrame.emitTagged(s, off, dst, src, vlan, etherType);
        } else {
            EthernetFrame.emit(s, off, dst, src, etherType);
        }
    }

    @Override
    public String toString() {
        return "EthernetRepr[dst=" + WireText.mac(dst) + ", src=" + WireText.mac(src) + ", etherType=0x"
                + Integer.toHexString(etherType) + (tagged() ? ", vlan=" + vlanId() + ", pcp=" + priority() : "") + "]";
    }
}
