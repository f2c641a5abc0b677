package org.lwip4j.sim;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A frame a {@link CaptureDriver} saw the stack send: when (clock nanoseconds) and a copy of
 * its bytes, link header included. Equality compares the bytes' contents.
 *
 * @param timeNanos the stack's clock when the frame was handed to the driver
 * @param data      the frame (the record's own copy; do not change it)
 */
public record CapturedFrame(long timeNanos, byte[] data) {
    /** Frame length in bytes. */
    public int length() {
        return data.length;
    }

    /** The unsigned byte at {@code i}. */
    public int u8(int i) {
        return data[i] & 0xff;
    }

    /** The big-endian 16-bit value at {@code i}. */
    public int u16(int i) {
        return (u8(i) << 8) | u8(i + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapturedFrame c && c.timeNanos == timeNanos && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timeNanos) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CapturedFrame[t=" + timeNanos + "ns, " + data.length + "B " + HexFormat.of().formatHex(data) + "]";
    }
}
