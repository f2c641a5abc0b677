package org.lwip4j.addr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An IPv6 address (RFC 4291) as two 64-bit halves in network order, with a zone (the index
 * of the netif a link-local address belongs to; 0 for none), as lwIP's {@code ip6_addr_t}.
 *
 * @param hi   the first 64 bits
 * @param lo   the last 64 bits
 * @param zone netif index for scoped addresses, 0 when none
 */
public record Ip6Address(long hi, long lo, int zone) implements IpAddress {
    /** {@code ::}. */
    public static final Ip6Address ANY = new Ip6Address(0, 0, 0);
    /** {@code ::1}. */
    public static final Ip6Address LOOPBACK = new Ip6Address(0, 1, 0);

    /** The address of 16 bytes in network order, with a zone. */
    public static Ip6Address of(byte[] b, int zone) {
        if (b.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + b.length);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xff);
            lo = (lo << 8) | (b[i + 8] & 0xff);
        }
        return new Ip6Address(hi, lo, zone);
    }

    /**
     * Parses text as glibc's {@code inet_pton(AF_INET6)} does (RFC 4291 §2.2: eight groups
     * of one to four ASCII hex digits; one {@code ::} for one or more zero groups, so
     * {@code 1:2:3:4:5:6:7::} is valid; a strict dotted-quad IPv4 address in the last 32
     * bits), plus an optional {@code %zone} of one to nine decimal digits, the netif index
     * (RFC 4007 §11.2, numeric form only).
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static Ip6Address parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            throw bad(text);
        }
        int zone = 0;
        String s = text;
        int pct = s.indexOf('%');
        if (pct >= 0) {
            String z = s.substring(pct + 1);
            if (z.isEmpty() || z.length() > 9 || !z.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad(text);
            }
            zone = Integer.parseInt(z);
            s = s.substring(0, pct);
        }
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int i = 0;
        int len = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == len) {
                return new Ip6Address(0, 0, zone);
            }
        } else if (s.startsWith(":")) {
            throw bad(text);
        }
        while (i < len) {
            if (n == 8) {
                throw bad(text);
            }
            int start = i;
            int val = 0;
            while (i < len && hexDigit(s.charAt(i)) >= 0 && i - start < 5) {
                val = (val << 4) | hexDigit(s.charAt(i));
                i++;
            }
            if (i < len && s.charAt(i) == '.') {
                // Embedded IPv4 in the last 32 bits.
                if (n > 6) {
                    throw bad(text);
                }
                long v4 = dottedQuad(s.substring(start));
                if (v4 < 0) {
                    throw bad(text);
                }
                groups[n++] = (int) (v4 >>> 16);
                groups[n++] = (int) (v4 & 0xffff);
                i = len;
                break;
            }
            if (i == start || i - start > 4) {
                throw bad(text);
            }
            groups[n++] = val;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':') {
                throw bad(text);
            }
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (gap >= 0) {
                    throw bad(text);
                }
                gap = n;
                i++;
                if (i == len) {
                    break;
                }
            } else if (i == len) {
                throw bad(text);
            }
        }
        if (gap < 0 && n != 8 || gap >= 0 && n == 8) {
            throw bad(text);
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = n - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 4; k++) {
            hi = (hi << 16) | full[k];
            lo = (lo << 16) | full[k + 4];
        }
        return new Ip6Address(hi, lo, zone);
    }

    /** The value of an ASCII hex digit, or -1 (unlike {@link Character#digit}, no other scripts' digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Strict dotted quad (four decimal parts, no leading zeros), as inet_pton wants; -1 if not. */
    private static long dottedQuad(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return -1;
            }
            int o = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    return -1;
                }
                o = o * 10 + (c - '0');
            }
            if (o > 255) {
                return -1;
            }
            v = (v << 8) | o;
        }
        return v;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IPv6 address: \"" + text + "\"");
    }

    /** Multicast scope: interface-local (RFC 4291 §2.7). */
    public static final int SCOPE_INTERFACE_LOCAL = 0x1;
    /** Scope: link-local (RFC 4291 §2.7; unicast per RFC 6724 §3.1). */
    public static final int SCOPE_LINK_LOCAL = 0x2;
    /** Multicast scope: admin-local (RFC 4291 §2.7). */
    public static final int SCOPE_ADMIN_LOCAL = 0x4;
    /** Scope: site-local (RFC 4291 §2.7; deprecated unicast fec0::/10 per RFC 6724 §3.1). */
    public static final int SCOPE_SITE_LOCAL = 0x5;
    /** Multicast scope: organization-local (RFC 4291 §2.7). */
    public static final int SCOPE_ORGANIZATION_LOCAL = 0x8;
    /** Scope: global (RFC 4291 §2.7; unicast per RFC 6724 §3.1). */
    public static final int SCOPE_GLOBAL = 0xe;

    /** The first half of a solicited-node multicast address, {@code ff02::1:ff00:0/104} (RFC 4291 §2.7.1). */
    public static final long SOLICITED_NODE_HI = 0xff02_0000_0000_0000L;
    /** The second half of {@code ff02::1:ff00:0} before the low 24 bits are or-ed in. */
    public static final long SOLICITED_NODE_LO = 0x0000_0001_ff00_0000L;

    /**
     * The second half of the solicited-node multicast address of an address whose second
     * half is {@code lo}: {@code ff02::1:ff00:0/104} plus its low 24 bits (RFC 4291 §2.7.1).
     * The first half is always {@link #SOLICITED_NODE_HI}. Allocates nothing.
     */
    public static long solicitedNodeLo(long lo) {
        return SOLICITED_NODE_LO | (lo & 0xff_ffffL);
    }

    /** The solicited-node multicast address of this address (RFC 4291 §2.7.1), in its zone. */
    public Ip6Address solicitedNode() {
        return new Ip6Address(SOLICITED_NODE_HI, solicitedNodeLo(lo), zone);
    }

    /**
     * The Ethernet destination of a multicast address whose second half is {@code lo}:
     * {@code 33:33} and its last 32 bits (RFC 2464 §7), as the 48 bits a {@link MacAddress}
     * holds. Allocates nothing.
     */
    public static long multicastMacBits(long lo) {
        return 0x3333_0000_0000L | (lo & 0xffff_ffffL);
    }

    /** The Ethernet destination of this multicast address (RFC 2464 §7). */
    public MacAddress multicastMac() {
        return new MacAddress(multicastMacBits(lo));
    }

    /**
     * The scope of the address: for multicast its scope field (RFC 4291 §2.7); for unicast
     * that of RFC 6724 §3.1 (link-local for {@code fe80::/10} and the loopback address,
     * site-local for the deprecated {@code fec0::/10}, else global) and, for an IPv4-mapped
     * address, that of its IPv4 address (RFC 6724 §3.2: {@code 127/8} and {@code 169.254/16}
     * are link-local).
     */
    public int scope() {
        if (isMulticast()) {
            return (int) (hi >>> 48) & 0xf;
        }
        if (isLinkLocal() || isLoopback()) {
            return SCOPE_LINK_LOCAL;
        }
        if ((hi >>> 54) == (0xfec0L >>> 6)) {
            return SCOPE_SITE_LOCAL;
        }
        if (hi == 0 && (lo >>> 32) == 0xffffL) {
            int v4 = (int) lo;
            if ((v4 >>> 24) == 127 || (v4 >>> 16) == 0xa9fe) {
                return SCOPE_LINK_LOCAL;
            }
        }
        return SCOPE_GLOBAL;
    }

    /**
     * The number of leading bits this address has in common with {@code other}, 0..128: the
     * {@code CommonPrefixLen} of RFC 6724 §2.2 used by source selection rule 8 (§5) and
     * destination rule 9 (§6). Zones are not compared.
     */
    public int commonPrefixLength(Ip6Address other) {
        long x = hi ^ other.hi;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        return 64 + Long.numberOfLeadingZeros(lo ^ other.lo);
    }

    /**
     * The modified EUI-64 interface identifier of a 48-bit MAC address (RFC 4291 §2.5.1 and
     * Appendix A): {@code ff:fe} inserted between its third and fourth bytes and the
     * universal/local bit (0x02 of the first byte) inverted.
     */
    public static long eui64(MacAddress mac) {
        long m = mac.bits();
        return ((m >>> 24) << 40 | 0xfffeL << 24 | (m & 0xff_ffffL)) ^ 0x0200_0000_0000_0000L;
    }

    /** {@code fe80::/64} with interface identifier {@code iid} (RFC 4291 §2.5.6), in {@code zone}. */
    public static Ip6Address linkLocal(long iid, int zone) {
        return new Ip6Address(0xfe80_0000_0000_0000L, iid, zone);
    }

    /**
     * True when {@code iid} is a reserved interface identifier (RFC 5453 §3, IANA registry):
     * the subnet-router anycast identifier 0 (RFC 4291 §2.6.1), the reserved subnet anycast
     * identifiers {@code fdff:ffff:ffff:ff80}..{@code fdff:ffff:ffff:ffff} (RFC 2526) and the
     * proxy mobile range {@code 0200:5eff:fe00:0000}..{@code 0200:5eff:fe00:ffff} (RFC 5453
     * and RFC 6543).
     */
    public static boolean isReservedIid(long iid) {
        return iid == 0 || (iid >>> 7) == (0xfdff_ffff_ffff_ff80L >>> 7)
                || (iid >>> 16) == (0x0200_5eff_fe00_0000L >>> 16);
    }

    /**
     * A stable, semantically opaque interface identifier (RFC 7217 §5) for a /64
     * {@code prefix}: the first 64 bits of SHA-256 over the concatenation of the prefix
     * (8 bytes, network order), the UTF-8 bytes of {@code netIface} (the netif's name, or
     * its index as text), {@code networkId} (may be empty), {@code dadCounter} (4 bytes,
     * network order) and {@code secretKey} (at least 128 bits, §5). An identifier that
     * comes out reserved ({@link #isReservedIid}) is recomputed with the counter plus one
     * (§5, "the Interface Identifier ... MUST NOT be a reserved IID"); the caller passes
     * the next counter after a duplicate address detection failure (§6).
     *
     * @throws IllegalArgumentException when the key is shorter than 16 bytes or the counter is negative
     */
    public static long stableIid(long prefix, String netIface, byte[] networkId, int dadCounter, byte[] secretKey) {
        if (secretKey.length < 16) {
            throw new IllegalArgumentException("RFC 7217 secret key needs at least 128 bits, got " + secretKey.length * 8);
        }
        if (dadCounter < 0) {
            throw new IllegalArgumentException("negative DAD counter " + dadCounter);
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] name = netIface.getBytes(StandardCharsets.UTF_8);
        for (int counter = dadCounter; ; counter++) {
            sha.update(longBytes(prefix));
            sha.update(name);
            sha.update(networkId);
            sha.update(new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
            sha.update(secretKey);
            byte[] d = sha.digest();
            long iid = 0;
            for (int i = 0; i < 8; i++) {
                iid = iid << 8 | (d[i] & 0xff);
            }
            if (!isReservedIid(iid)) {
                return iid;
            }
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    /** The same address with another zone. */
    public Ip6Address withZone(int newZone) {
        return new Ip6Address(hi, lo, newZone);
    }

    /** 16-bit group {@code i} (0..7). */
    public int group(int i) {
        long half = i < 4 ? hi : lo;
        return (int) (half >>> (48 - 16 * (i & 3))) & 0xffff;
    }

    @Override
    public int version() {
        return 6;
    }

    @Override
    public boolean isAny() {
        return hi == 0 && lo == 0;
    }

    @Override
    public boolean isMulticast() {
        return (hi >>> 56) == 0xff;
    }

    @Override
    public boolean isLoopback() {
        return hi == 0 && lo == 1;
    }

    @Override
    public boolean isLinkLocal() {
        return (hi >>> 54) == (0xfe80L >>> 6);
    }

    @Override
    public byte[] toBytes() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    /**
     * RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero
     * groups (the first if tied) as {@code ::} (§4); an IPv4-mapped address
     * ({@code ::ffff:0:0/96}, RFC 4291 §2.5.5.2) in mixed notation {@code ::ffff:192.0.2.1}
     * (§5, as glibc's {@code inet_ntop}); {@code %zone} when scoped.
     */
    @Override
    public String toString() {
        if (hi == 0 && (lo >>> 32) == 0xffffL) {
            int v4 = (int) lo;
            return "::ffff:" + (v4 >>> 24) + "." + ((v4 >>> 16) & 0xff) + "." + ((v4 >>> 8) & 0xff) + "."
                    + (v4 & 0xff) + (zone != 0 ? "%" + zone : "");
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (group(i) == 0) {
                int j = i;
                while (j < 8 && group(j) == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder(41);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(i)));
        }
        if (zone != 0) {
            sb.append('%').append(zone);
        }
        return sb.toString();
    }
}
