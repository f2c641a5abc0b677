package org.lwip4j.addr;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The C library's own address parsers and printer, called through the FFM API, so tests can
 * compare our parsers with the real {@code inet_aton}, {@code inet_pton} and
 * {@code inet_ntop} (differential testing). Present only on Linux with glibc.
 */
@SuppressWarnings("restricted") // downcalls into libc: the point of this class
public final class Glibc {
    private static final int AF_INET6 = 10;
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MethodHandle inetAton;
    private final MethodHandle inetPton;
    private final MethodHandle inetNtop;

    private Glibc(MethodHandle inetAton, MethodHandle inetPton, MethodHandle inetNtop) {
        this.inetAton = inetAton;
        this.inetPton = inetPton;
        this.inetNtop = inetNtop;
    }

    /** The bindings, or empty when this is not Linux with glibc. */
    public static Optional<Glibc> load() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        if (libc.find("gnu_get_libc_version").isEmpty()) {
            return Optional.empty(); // musl and others differ in details
        }
        MethodHandle aton = linker.downcallHandle(libc.find("inet_aton").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle pton = linker.downcallHandle(libc.find("inet_pton").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS));
        MethodHandle ntop = linker.downcallHandle(libc.find("inet_ntop").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        return Optional.of(new Glibc(aton, pton, ntop));
    }

    /**
     * glibc {@code inet_aton}: the address as a non-negative long, or -1. Note glibc stops at
     * the first white space and ignores the rest; C sees the text only up to a NUL.
     */
    public long inetAton(String text) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(4);
            int ok = (int) inetAton.invokeExact(cString(a, text), out);
            if (ok == 0) {
                return -1;
            }
            return Integer.toUnsignedLong(out.get(BE_INT, 0));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** glibc {@code inet_pton(AF_INET6)}: the 16 bytes, or null when refused. */
    public byte[] inetPton6(String text) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(16);
            int ok = (int) inetPton.invokeExact(AF_INET6, cString(a, text), out);
            return ok == 1 ? out.toArray(ValueLayout.JAVA_BYTE) : null;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** glibc {@code inet_ntop(AF_INET6)} of 16 bytes. */
    public String inetNtop6(byte[] addr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocateFrom(ValueLayout.JAVA_BYTE, addr);
            MemorySegment buf = a.allocate(64);
            MemorySegment r = (MemorySegment) inetNtop.invokeExact(AF_INET6, in, buf, 64);
            if (r.address() == 0) {
                throw new AssertionError("inet_ntop failed");
            }
            return buf.getString(0, StandardCharsets.US_ASCII);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static MemorySegment cString(Arena a, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment m = a.allocate(b.length + 1L);
        MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, 0, b.length);
        return m;
    }
}
