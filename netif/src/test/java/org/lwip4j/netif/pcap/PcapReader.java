package org.lwip4j.netif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A strict little parser of what {@link PcapWriter} writes, for the tests: every length is checked. */
final class PcapReader {
    /** One frame: interface, timestamp in ns, original length, bytes kept, direction flags (pcapng; -1 for pcap). */
    record Record(int iface, long epochNanos, int origLen, byte[] data, int flags) {
    }

    /** One pcapng interface. */
    record Iface(int linkType, int snaplen, String name, int tsresol) {
    }

    final List<Record> records = new ArrayList<>();
    final List<Iface> interfaces = new ArrayList<>();
    int snaplen;
    int linkType;
    boolean nanos;
    String application;

    static PcapReader parse(byte[] file) {
        PcapReader r = new PcapReader();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == PcapWriter.NG_SHB) {
            r.parseNg(b);
        } else {
            r.parseClassic(b, magic);
        }
        return r;
    }

    private void parseClassic(ByteBuffer b, int magic) {
        assertTrue(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d, "pcap magic " + Integer.toHexString(magic));
        nanos = magic == 0xa1b23c4d;
        b.getInt();
        assertEquals(2, b.getShort(), "major version");
        assertEquals(4, b.getShort(), "minor version");
        assertEquals(0, b.getInt(), "thiszone");
        assertEquals(0, b.getInt(), "sigfigs");
        snaplen = b.getInt();
        linkType = b.getInt();
        while (b.hasRemaining()) {
            assertTrue(b.remaining() >= 16, "record header cut short");
            long sec = Integer.toUnsignedLong(b.getInt());
            long frac = Integer.toUnsignedLong(b.getInt());
            assertTrue(frac < (nanos ? 1_000_000_000L : 1_000_000L), "fraction out of range");
            int incl = b.getInt();
            int orig = b.getInt();
            assertTrue(incl <= snaplen && incl <= orig, "incl_len " + incl + " orig_len " + orig);
            assertTrue(b.remaining() >= incl, "record data cut short");
            byte[] d = new byte[incl];
            b.get(d);
            records.add(new Record(0, sec * 1_000_000_000L + (nanos ? frac : frac * 1000), orig, d, -1));
        }
    }

    private void parseNg(ByteBuffer b) {
        while (b.hasRemaining()) {
            int start = b.position();
            assertTrue(b.remaining() >= 12, "block header cut short");
            int type = b.getInt();
            int total = b.getInt();
            assertEquals(0, total % 4, "block length multiple of 4");
            assertTrue(total >= 12 && total <= b.remaining() + 8, "block length " + total);
            assertEquals(total, b.getInt(start + total - 4), "trailing block length");
            ByteBuffer body = b.slice(start + 8, total - 12).order(ByteOrder.LITTLE_ENDIAN);
            switch (type) {
                case PcapWriter.NG_SHB -> {
                    assertEquals(PcapWriter.NG_BYTE_ORDER_MAGIC, body.getInt());
                    assertEquals(1, body.getShort());
                    assertEquals(0, body.getShort());
                    assertEquals(-1L, body.getLong(), "section length unspecified");
                    for (var o : options(body)) {
                        if (o.code == PcapWriter.NG_SHB_USERAPPL) {
                            application = new String(o.value, StandardCharsets.UTF_8);
                        }
                    }
                }
                case PcapWriter.NG_IDB -> {
                    int lt = Short.toUnsignedInt(body.getShort());
                    assertEquals(0, body.getShort(), "reserved");
                    int snap = body.getInt();
                    String name = null;
                    int tsresol = 6;
                    for (var o : options(body)) {
                        if (o.code == PcapWriter.NG_IF_NAME) {
                            name = new String(o.value, StandardCharsets.UTF_8);
                        } else if (o.code == PcapWriter.NG_IF_TSRESOL) {
                            assertEquals(1, o.value.length);
                            tsresol = o.value[0];
                        }
                    }
                    interfaces.add(new Iface(lt, snap, name, tsresol));
                }
                case PcapWriter.NG_EPB -> {
                    int iface = body.getInt();
                    assertTrue(iface < interfaces.size(), "EPB names an interface declared before it");
                    long ts = (Integer.toUnsignedLong(body.getInt()) << 32) | Integer.toUnsignedLong(body.getInt());
                    int cap = body.getInt();
                    int orig = body.getInt();
                    assertTrue(cap <= orig && cap <= interfaces.get(iface).snaplen());
                    byte[] d = new byte[cap];
                    body.get(d);
                    body.position(body.position() + ((4 - cap % 4) % 4));
                    int flags = 0;
                    for (var o : options(body)) {
                        if (o.code == PcapWriter.NG_EPB_FLAGS) {
                            flags = ByteBuffer.wrap(o.value).order(ByteOrder.LITTLE_ENDIAN).getInt();
                        }
                    }
                    assertEquals(9, interfaces.get(iface).tsresol(), "nanosecond resolution declared");
                    records.add(new Record(iface, ts, orig, d, flags));
                }
                default -> throw new AssertionError("unexpected block type " + Integer.toHexString(type));
            }
            b.position(start + total);
        }
    }

    private record Option(int code, byte[] value) {
    }

    private static List<Option> options(ByteBuffer body) {
        List<Option> out = new ArrayList<>();
        while (true) {
            assertTrue(body.remaining() >= 4, "options must end with opt_endofopt");
            int code = Short.toUnsignedInt(body.getShort());
            int len = Short.toUnsignedInt(body.getShort());
            if (code == 0) {
                assertEquals(0, len);
                assertEquals(0, body.remaining(), "nothing after opt_endofopt");
                return out;
            }
            byte[] v = new byte[len];
            body.get(v);
            body.position(body.position() + ((4 - len % 4) % 4));
            out.add(new Option(code, v));
        }
    }
}
