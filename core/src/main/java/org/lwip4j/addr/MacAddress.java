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

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes). */
    public static MacAddress parse(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: \"" + text + "\"");
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("not a MAC address: \"" + text + "\"");
            }
            int o;
            try {
                o = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: \"" + text + "\"", e);
            }
            v = (v << 8) | o;
        }
        return new MacAddress(v);
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
        long h = 0xcbf29ce484222325L;
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
