package org.lwip4j.addr;

/**
 * An IPv4 address (RFC 791), held as its 32 bits in network order in an {@code int}.
 *
 * @param bits the address, most significant byte first ({@code 192.168.0.1} is {@code 0xc0a80001})
 */
public record Ip4Address(int bits) implements IpAddress, Comparable<Ip4Address> {
    /** {@code 0.0.0.0} ({@code IP4_ADDR_ANY}). */
    public static final Ip4Address ANY = new Ip4Address(0);
    /** {@code 255.255.255.255} ({@code IP4_ADDR_BROADCAST}). */
    public static final Ip4Address BROADCAST = new Ip4Address(-1);
    /** {@code 127.0.0.1}. */
    public static final Ip4Address LOOPBACK = new Ip4Address(0x7f000001);

    /** The address with the given bits. */
    public static Ip4Address of(int bits) {
        return bits == 0 ? ANY : new Ip4Address(bits);
    }

    /** The address of four bytes in network order. */
    public static Ip4Address of(byte[] b) {
        if (b.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + b.length);
        }
        return of(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
    }

    /** {@code a.b.c.d} from its four octets. */
    public static Ip4Address of(int a, int b, int c, int d) {
        for (int o : new int[] {a, b, c, d}) {
            if (o < 0 || o > 255) {
                throw new IllegalArgumentException("octet out of range: " + o);
            }
        }
        return of((a << 24) | (b << 16) | (c << 8) | d);
    }

    /**
     * Parses text as {@code inet_aton} does: one to four parts separated by dots, each
     * decimal, octal (leading {@code 0}) or hexadecimal ({@code 0x}); the last part fills
     * all remaining bytes ({@code 10.1} is {@code 10.0.0.1}, {@code 0x7f000001} is
     * {@code 127.0.0.1}), every earlier part one byte. The whole text must be the address
     * (no spaces, no trailing dot), as glibc's {@code inet_aton} when it must consume all
     * input ({@code __inet_aton_exact}, used by {@code getaddrinfo}).
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static Ip4Address parse(String text) {
        long v = parseAton(text);
        if (v < 0) {
            throw new IllegalArgumentException("not an IPv4 address: \"" + text + "\"");
        }
        return of((int) v);
    }

    /**
     * inet_aton: the address as a non-negative long, or -1 when the text is invalid. Matches
     * glibc's {@code __inet_aton_exact} (the whole text must be the address; glibc's
     * {@code inet_aton} also ignores anything after a space). Leading zeros are unbounded,
     * as with {@code strtoul}: any number of them may precede a part's digits.
     */
    static long parseAton(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        long[] parts = new long[4];
        int n = 0;
        int i = 0;
        int len = s.length();
        while (true) {
            if (i >= len || !isDigit(s.charAt(i))) {
                return -1;
            }
            int base = 10;
            if (s.charAt(i) == '0') {
                base = 8;
                i++;
                if (i < len && (s.charAt(i) == 'x' || s.charAt(i) == 'X')) {
                    base = 16;
                    i++;
                }
            }
            long val = 0;
            boolean any = base == 8; // a lone "0" is a value
            while (i < len) {
                char c = s.charAt(i);
                int d;
                if (c >= '0' && c <= '9') {
                    d = c - '0';
                    if (d >= base) {
                        return -1;
                    }
                } else if (base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                    d = Character.toLowerCase(c) - 'a' + 10;
                } else {
                    break;
                }
                val = val * base + d;
                if (val > 0xffffffffL) {
                    return -1;
                }
                any = true;
                i++;
            }
            if (!any) {
                return -1;
            }
            if (n == 4) {
                return -1;
            }
            parts[n++] = val;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
        long[] max = {0, 0xffffffffL, 0xffffffL, 0xffffL, 0xffL};
        for (int k = 0; k < n - 1; k++) {
            if (parts[k] > 0xff) {
                return -1;
            }
        }
        if (parts[n - 1] > max[n]) {
            return -1;
        }
        return switch (n) {
            case 1 -> parts[0];
            case 2 -> (parts[0] << 24) | parts[1];
            case 3 -> (parts[0] << 24) | (parts[1] << 16) | parts[2];
            default -> (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3];
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The netmask of a prefix length 0..32 ({@code 24} gives {@code 255.255.255.0}). */
    public static Ip4Address netmask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length out of range: " + prefixLength);
        }
        return of(prefixLength == 0 ? 0 : -1 << (32 - prefixLength));
    }

    @Override
    public int version() {
        return 4;
    }

    @Override
    public boolean isAny() {
        return bits == 0;
    }

    /** True for {@code 255.255.255.255}, the limited broadcast address. */
    public boolean isBroadcast() {
        return bits == -1;
    }

    @Override
    public boolean isMulticast() {
        return (bits & 0xf0000000) == 0xe0000000;
    }

    @Override
    public boolean isLoopback() {
        return (bits >>> 24) == 127;
    }

    @Override
    public boolean isLinkLocal() {
        return (bits >>> 16) == 0xa9fe;
    }

    /** True when this address and {@code other} agree in the bits of {@code mask}. */
    public boolean sameNetwork(Ip4Address other, int mask) {
        return ((bits ^ other.bits) & mask) == 0;
    }

    @Override
    public byte[] toBytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    @Override
    public int compareTo(Ip4Address o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    /** Dotted decimal, as {@code inet_ntoa}. */
    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
