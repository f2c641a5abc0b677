package org.lwip4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.lwip4j.Stack;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.stack.VirtualClock;
import org.junit.jupiter.api.Test;

/** The assembly bridge: each protocol registers its factory once, from its own class initializer. */
class AssemblyTest {
    @Test
    void everyFactoryIsThereWhenAsked() {
        // Asking initializes the class, whose static initializer registered the factory.
        assertNotNull(Assembly.ip());
        assertNotNull(Assembly.arp());
        assertNotNull(Assembly.ipv4());
        assertNotNull(Assembly.ipv6());
        assertNotNull(Assembly.udp());
        assertNotNull(Assembly.raw());
        assertNotNull(Assembly.tcp());
        assertSame(Assembly.udp(), Assembly.udp());
    }

    @Test
    void aSecondRegistrationIsRefused() {
        Assembly.TransportFactory<org.lwip4j.udp.Udp> real = Assembly.udp();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Assembly.setUdp((ctx, ip) -> null));
        assertEquals("factory registered twice", e.getMessage());
        assertSame(real, Assembly.udp());
    }

    @Test
    void theStackIsBuiltThroughIt() {
        try (Stack s = Stack.create(StackConfig.defaults(), new VirtualClock())) {
            s.poll();
            // Each protocol the configuration has was made by its factory, and is the stack's.
            assertNotNull(s.ip());
            assertNotNull(s.arp());
            assertNotNull(s.ipv4());
            assertNotNull(s.udp());
            assertNotNull(s.raw());
            assertNotNull(s.tcp());
        }
    }
}
