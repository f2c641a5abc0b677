package org.lwip4j.wire;

import java.lang.foreign.MemorySegment;
import org.lwip4j.buffer.Bytes;
import org.lwip4j.buffer.Checksum;

/**
 * UDP header view (RFC 768), also for UDP-Lite (RFC 3828 §3), whose length field is the
 * checksum coverage instead.
 */
public final class UdpPacket {
    /** Field offsets. */
    public static final class Field {
        /** Source port. */
        public static final int SRC = 0;
        /** Destination port. */
        public static final int DST = 2;
        /** Length (UDP) or checksum coverage (UDP-Lite). */
        public static final int LENGTH = 4;
        /** Checksum. */
        public static final int CHECKSUM = 6;
        /** First payload byte. */
        public static final int PAYLOAD = 8;

        private Field() {
        }
    }

    /** Header bytes. */
    public static final int HEADER_LEN = 8;

    private UdpPacket() {
    }

    /**
     * Checks a UDP datagram carried in {@code avail} bytes (the IP payload): returns the
     * datagram length from the header (8..avail; bytes past it are padding to trim) or a
     * negative {@link Drop} code.
     */
    public static int check(MemorySegment s, long off, int avail) {
        if (avail < HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int len = Bytes.u16(s, off + Field.LENGTH);
        if (len < HEADER_LEN || len > avail) {
            return -Drop.BAD_LENGTH.code();
        }
        return len;
    }

    /**
     * Checks a UDP-Lite datagram of {@code avail} bytes (RFC 3828 §3.1): returns the checksum
     * coverage in bytes (0 in the field means all; otherwise 8..avail) or a negative
     * {@link Drop} code. A datagram with an illegal coverage must be discarded (§3.1).
     */
    public static int checkLite(MemorySegment s, long off, int avail) {
        if (avail < HEADER_LEN) {
            return -Drop.TRUNCATED.code();
        }
        int cov = Bytes.u16(s, off + Field.LENGTH);
        if (cov == 0) {
            return avail;
        }
        if (cov < HEADER_LEN || cov > avail) {
            return -Drop.BAD_LENGTH.code();
        }
        return cov;
    }

    /** Source port. */
    public static int srcPort(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.SRC);
    }

    /** Destination port. */
    public static int dstPort(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.DST);
    }

    /** Length (or UDP-Lite coverage) field. */
    public static int length(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.LENGTH);
    }

    /** Checksum field. */
    public static int checksum(MemorySegment s, long off) {
        return Bytes.u16(s, off + Field.CHECKSUM);
    }

    /**
     * True when the checksum over the first {@code covered} bytes at {@code off} plus the
     * pseudo-header whose sum is {@code pseudoSum} verifies. This is only the arithmetic: a
     * zero field (no checksum, RFC 768) must be handled by the caller.
     */
    public static boolean checksumOk(MemorySegment s, long off, int covered, long pseudoSum) {
        return Checksum.verifies(Checksum.partial(s, off, covered, pseudoSum));
    }

    /**
     * Computes the checksum over the pseudo-header whose sum is {@code pseudoSum} and the
     * first {@code covered} bytes at {@code off}, and stores it; a computed 0 is stored as
     * 0xffff, since 0 means "no checksum" (RFC 768; RFC 3828 §3.1; RFC 8200 §8.1).
     */
    public static void fillChecksum(MemorySegment s, long off, int covered, long pseudoSum) {
        Bytes.put16(s, off + Field.CHECKSUM, 0);
        int sum = Checksum.finish(Checksum.partial(s, off, covered, pseudoSum));
        Bytes.put16(s, off + Field.CHECKSUM, sum == 0 ? 0xffff : sum);
    }

    /** Sets the checksum field. */
    public static void setChecksum(MemorySegment s, long off, int sum) {
        Bytes.put16(s, off + Field.CHECKSUM, sum);
    }

    /** Writes the 8-byte header with a zero checksum field (filled in afterwards). */
    public static void emit(MemorySegment s, long off, int srcPort, int dstPort, int lengthOrCoverage) {
        Bytes.put16(s, off + Field.SRC, srcPort);
        Bytes.put16(s, off + Field.DST, dstPort);
        Bytes.put16(s, off + Field.LENGTH, lengthOrCoverage);
        Bytes.put16(s, off + Field.CHECKSUM, 0);
    }
}
