package org.lwip4j.wire;

/** Text for the {@code toString} of the Repr records: MAC and IPv4 addresses. */
final class WireText {
    private WireText() {
    }

    /** {@code aa:bb:cc:dd:ee:ff} for the low 48 bits of {@code m}. */
    static String mac(long m) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 40; i >= 0; i -= 8) {
            int o = (int) (m >>> i) & 0xff;
            sb.append(Character.forDigit(o >>> 4, 16)).append(Character.forDigit(o & 15, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /** Dotted decimal for the 32 bits of an IPv4 address. */
    static String ip4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }
}
