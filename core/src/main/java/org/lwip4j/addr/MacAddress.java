package org.lwip4j.addr;

/**
 * A 48-bit IEEE 802 MAC address, held in the low 48 bits of a {@code long}
 * ({@code 02:00:00:00:00:01} is {@code 0x020000000001L}).
 *
 * @param bits the address
 */
public record MacAddress(long bits) {
    /** {@code ff:ff:ff:ff:ff:ff}. */
    public static final MacAddress BROADCAST = new MacAddress(0xffffffffffffL);
    /** {@code 00:00:00:00:00:00}. */
    public static final MacAddress ZERO = new MacAddress(0);

    /** Checks the value fits 48 bits. */
    public MacAddress {
        if ((bits & ~0xffffffffffffL) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(bits));
        }
    }

    /**
     * Parses six groups of one or two ASCII hex digits separated all by {@code :} or all by
     * {@code -} ({@code 02:00:5e:00:00:fb}, {@code 02-00-5E-00-00-FB}, and, as glibc's
     * {@code ether_aton}, {@code 2:0:5e:0:0:fb}).
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static MacAddress parse(String text) {
        int len = text.length();
        char sep = len > 2 && (text.charAt(1) == '-' || text.charAt(2) == '-') ? '-' : ':';
        long v = 0;
        int i = 0;
        for (int g = 0; g < 6; g++) {
            if (g > 0) {
                if (i >= len || text.charAt(i) != sep) {
                    throw badMac(text);
                }
                i++;
            }
            int start = i;
            int o = 0;
            while (i < len && i - start < 2 && Character.digit(text.charAt(i), 16) >= 0 && text.charAt(i) < 0x80) {
                o = (o << 4) | Character.digit(text.charAt(i), 16);
                i++;
            }
            if (i == start) {
                throw badMac(text);
            }
            v = (v << 8) | o;
        }
        if (i != len) {
            throw badMac(text);
        }
        return new MacAddress(v);
    }

    private static IllegalArgumentException badMac(String text) {
        return new IllegalArgumentException("not a MAC address: \"" + text + "\"");
    }

    /** The address of six bytes in network order. */
    public static MacAddress of(byte[] b) {
        if (b.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + b.length);
        }
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return new MacAddress(v);
    }

    /**
     * A stable, locally administered unicast address derived from a name (for example a
     * device name), so the same name gets the same MAC on every run.
     */
    public static MacAddress derivedFrom(String name) {
        return derivedFrom(name, 0);
    }

    /**
     * A unicast, locally administered MAC derived from {@code name} and {@code salt}: the same
     * pair always gives the same MAC, so one stack's netifs differ from another's of the same
     * name when their salts differ.
     */
    public static MacAddress derivedFrom(String name, long salt) {
        long h = 0xcbf29ce484222325L ^ salt;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        long v = h & 0xffffffffffffL;
        v = (v & ~(0x01L << 40)) | (0x02L << 40); // unicast, locally administered
        return new MacAddress(v);
    }

    /** True for the all-ones broadcast address. */
    public boolean isBroadcast() {
        return bits == 0xffffffffffffL;
    }

    /** True for a group (multicast or broadcast) address: the I/G bit of the first byte. */
    public boolean isMulticast() {
        return (bits & (0x01L << 40)) != 0;
    }

    /** The address in network byte order. */
    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            int o = (int) (bits >>> (40 - 8 * i)) & 0xff;
            sb.append(Character.forDigit(o >>> 4, 16)).append(Character.forDigit(o & 15, 16));
        }
        return sb.toString();
    }
}
