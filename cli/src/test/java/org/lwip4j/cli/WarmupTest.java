package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The warm-up and the hidden {@code train} command: every request of a session is answered
 * (so the paths the JIT and the AOT cache are to learn really ran), and the training run
 * says what it did.
 */
class WarmupTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new FakePlatform(), new ManualStop(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void oneSessionAnswersEveryPingAndEveryEchoFragmentedOnesIncluded() {
        Warmup.Result r = Warmup.run(Duration.ZERO, 1);
        assertEquals(1, r.sessions());
        assertEquals(1000, r.pings(), r.toString());
        assertEquals(1000, r.udpEchoes(), r.toString());
        // Datagrams of 3000 bytes: 20 rounds of 1000 ask for one, 5 of them give way to a 1400-byte one.
        assertEquals(15, r.fragmentedEchoes(), r.toString());
        // Then the device path, with no budget left: its least, 200 round trips, every 8th a UDP echo.
        assertEquals(175, r.devicePings(), r.toString());
        assertEquals(25, r.deviceUdpEchoes(), r.toString());
        assertTrue(r.answered());
    }

    @Test
    void sessionsStopAtTheirLimitWhateverTheBudget() {
        Warmup.Result r = Warmup.run(Duration.ofHours(1), 2);
        assertEquals(2, r.sessions());
        assertEquals(2000, r.pings());
        assertEquals(2000, r.udpEchoes());
    }

    @Test
    void aNegativeBudgetOrNoSessionIsMisuse() {
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ofMillis(-1), 1));
        assertThrows(IllegalArgumentException.class, () -> Warmup.run(Duration.ZERO, 0));
    }

    @Test
    void trainSaysWhatItDidAndExits0() {
        assertEquals(0, run("train", "--seconds", "0"));
        assertTrue(out.toString().startsWith("lwip4j train: 1 sessions, 1000 pings, 1000 UDP echoes (15 fragmented); through a device: 175 pings, 25 UDP echoes; in "),
                out.toString());
    }

    @Test
    void trainRejectsANegativeDuration() {
        assertEquals(2, run("train", "--seconds", "-1"));
        assertTrue(err.toString().startsWith("lwip4j: --seconds needs 0 to 600"), err.toString());
    }

    @Test
    void trainIsHiddenFromTheHelp() {
        assertEquals(0, run("--help"));
        assertFalse(out.toString().contains("train"), out.toString());
    }
}
