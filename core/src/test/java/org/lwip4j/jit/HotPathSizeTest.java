package org.lwip4j.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The methods every packet of a ping or a datagram goes through, each called from one place
 * on the path, stay small enough for C2 to compile them into their caller: at most 325 bytes
 * of bytecode, HotSpot's limit for inlining a hot method ({@code FreqInlineSize}). A larger
 * one is compiled on its own, if at all: in a fresh process {@code Ipv4.input} (381 bytes)
 * ran as C1 code through the first seconds of pings (C2 logged "hot method too big" for it in
 * the link layer's input, and its own compile waited for thousands more packets), as would
 * {@code Icmpv4.echo} (334), {@code Udp.send} (474) and {@code Ipv6}'s header-chain walk
 * (618). What is rare (drops, forwarding, reassembly, refused chains) goes in methods of its
 * own.
 */
class HotPathSizeTest {
    /** HotSpot's {@code FreqInlineSize} on x86-64 and AArch64 (JDK 25). */
    static final int FREQ_INLINE_SIZE = 325;

    @ParameterizedTest
    @CsvSource({
            "org.lwip4j.netif.EthernetLink, input",
            "org.lwip4j.ipv4.Ipv4, input",
            "org.lwip4j.ipv4.Ipv4, deliver",
            "org.lwip4j.ipv4.Icmpv4, input",
            "org.lwip4j.ipv4.Icmpv4, echo",
            "org.lwip4j.ipv4.Ipv4, output",
            "org.lwip4j.ipv6.Ipv6, input",
            "org.lwip4j.ipv6.Ipv6, process",
            "org.lwip4j.ipv6.Ipv6, deliver",
            "org.lwip4j.ipv6.Icmpv6, input",
            "org.lwip4j.ipv6.Icmpv6, echo",
            "org.lwip4j.udp.Udp, input",
            "org.lwip4j.udp.Udp, send",
    })
    void staysSmallEnoughForC2ToInline(String className, String method) throws IOException {
        List<Integer> sizes = codeSizes(className, method);
        assertTrue(!sizes.isEmpty(), className + "." + method + " not found");
        for (int size : sizes) {
            assertTrue(size <= FREQ_INLINE_SIZE, className + "." + method + " is " + size + " bytes of bytecode, more than "
                    + FREQ_INLINE_SIZE + ": C2 will not inline it (\"hot method too big\"); move what is rare out of it");
        }
    }

    @ParameterizedTest
    @CsvSource("org.lwip4j.ipv4.Ipv4, input")
    void theCheckReadsTheRealBytecode(String className, String method) throws IOException {
        // The size is the code attribute's length, as javap's last offset plus its instruction.
        List<Integer> sizes = codeSizes(className, method);
        assertEquals(1, sizes.size(), "one method of that name");
        assertTrue(sizes.getFirst() > 100, "the input of a datagram is more than a few instructions: " + sizes);
    }

    /** The bytecode length of each method named {@code method} in {@code className}. */
    static List<Integer> codeSizes(String className, String method) throws IOException {
        String resource = "/" + className.replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = HotPathSizeTest.class.getResourceAsStream(resource)) {
            assertTrue(in != null, resource + " not on the class path");
            bytes = in.readAllBytes();
        }
        ClassModel cm = ClassFile.of().parse(bytes);
        List<Integer> sizes = new ArrayList<>();
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString(method)) {
                m.findAttribute(java.lang.classfile.Attributes.code()).map(CodeAttribute::codeLength).ifPresent(sizes::add);
            }
        }
        return sizes;
    }
}
