package org.lwip4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.lang.reflect.Modifier;
import java.util.List;
import org.lwip4j.ip.Ip;
import org.lwip4j.ipv4.Arp;
import org.lwip4j.ipv4.Ipv4;
import org.lwip4j.ipv6.Ipv6;
import org.lwip4j.raw.Raw;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.lwip4j.tcp.Tcp;
import org.lwip4j.udp.Udp;
import org.junit.jupiter.api.Test;

/** The stack's assembly through {@link Protocols}: package-private constructors and teardown, reached by private lookups. */
class ProtocolsTest {
    @Test
    void noProtocolHasAPublicConstructorOrRelease() throws Exception {
        for (Class<?> c : List.of(Ip.class, Arp.class, Ipv4.class, Ipv6.class, Udp.class, Raw.class, Tcp.class)) {
            for (var k : c.getDeclaredConstructors()) {
                assertFalse(Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers()), k.toString());
            }
        }
        assertFalse(Modifier.isPublic(Ip.class.getDeclaredMethod("release").getModifiers()));
        assertFalse(Modifier.isPublic(Tcp.class.getDeclaredMethod("release").getModifiers()));
    }

    @Test
    void aStackWithEveryProtocolIsBuiltAndTornDownThroughTheHandles() {
        Stack s = Stack.create(StackConfig.defaults(), new VirtualClock());
        s.poll();
        assertInstanceOf(Ipv6.class, s.ipv6());
        assertInstanceOf(Tcp.class, s.tcp());
        assertInstanceOf(Udp.class, s.udp());
        assertInstanceOf(Raw.class, s.raw());
        s.close();
        s.close();
        assertEquals(List.of(), s.netifs().all());
    }
}
