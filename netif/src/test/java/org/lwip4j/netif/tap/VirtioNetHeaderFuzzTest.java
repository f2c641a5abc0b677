package org.lwip4j.netif.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.fuzz.FuzzInput;
import org.lwip4j.fuzz.RegressionMode;

/**
 * The virtio-net header decoder and encoder on any bytes: the first ten bytes (at an offset
 * the first input byte picks) are the header, the rest the frame. Decoding never throws and
 * keeps exactly what the header says (known flag bits, GSO type, size when GSO is on,
 * checksum place when NEEDS_CSUM); encoding what was decoded never throws either and decodes
 * back to the same offload state.
 */
class VirtioNetHeaderFuzzTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    @BeforeAll
    static void regressionMode() {
        RegressionMode.configure();
    }

    @FuzzTest(maxDuration = "10s")
    void decodeKeepsWhatTheHeaderSaysAndEncodesBack(byte[] input) {
        FuzzInput in = FuzzInput.of(input);
        if (in.len() < VirtioNetHeader.SIZE) {
            return;
        }
        MemorySegment h = in.seg();
        long off = in.off();
        byte[] frameBytes = new byte[in.len() - VirtioNetHeader.SIZE];
        MemorySegment.copy(h, off + VirtioNetHeader.SIZE, MemorySegment.ofArray(frameBytes), 0, frameBytes.length);
        Pbuf frame = Pbuf.wrap(frameBytes);
        frame.setGso(7, 7);
        frame.setChecksumPartial(7, 7); // stale state a reused buffer might carry
        VirtioNetHeader.decode(h, off, frame);

        int flags = h.get(ValueLayout.JAVA_BYTE, off) & 3;
        int gso = h.get(ValueLayout.JAVA_BYTE, off + 1) & 0xff;
        assertEquals(flags, frame.offloadFlags());
        assertEquals(gso, frame.gsoType());
        assertEquals(gso == 0 ? 0 : Short.toUnsignedInt(h.get(U16, off + 4)), frame.gsoSize());
        boolean partial = (flags & VirtioNetHeader.F_NEEDS_CSUM) != 0;
        assertEquals(partial ? Short.toUnsignedInt(h.get(U16, off + 6)) : 0, frame.checksumStart());
        assertEquals(partial ? Short.toUnsignedInt(h.get(U16, off + 8)) : 0, frame.checksumOffset());

        MemorySegment out = MemorySegment.ofArray(new byte[VirtioNetHeader.SIZE + 3]);
        VirtioNetHeader.encode(frame, out, 3);
        Pbuf again = Pbuf.wrap(frameBytes);
        VirtioNetHeader.decode(out, 3, again);
        assertEquals(frame.offloadFlags(), again.offloadFlags());
        assertEquals(frame.gsoType(), again.gsoType());
        assertEquals(frame.gsoSize(), again.gsoSize());
        assertEquals(frame.checksumStart(), again.checksumStart());
        assertEquals(frame.checksumOffset(), again.checksumOffset());
    }
}
