package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lwip4j.netif.LinkType;

/** The real platform's captures: a file that cannot be made says why in words (no device needed). */
class TuntapPlatformTest {
    @TempDir
    Path dir;

    @Test
    void captureInAMissingDirectorySaysTheDirectoryDoesNotExist() {
        Path f = dir.resolve("no-such-dir").resolve("x.pcap");
        IOException e = assertThrows(IOException.class, () -> new TuntapPlatform().openCapture(f, LinkType.ETHERNET, "tap1"));
        assertEquals("cannot create capture file " + f + " for tap1: directory " + dir.resolve("no-such-dir") + " does not exist",
                e.getMessage());
    }

    @Test
    void captureUnderAFileSaysItIsNotADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        Path f = file.resolve("x.pcap");
        IOException e = assertThrows(IOException.class, () -> new TuntapPlatform().openCapture(f, LinkType.ETHERNET, "tap1"));
        assertEquals("cannot create capture file " + f + " for tap1: " + file + " is not a directory", e.getMessage());
    }

    @Test
    void captureInAnExistingDirectoryIsMade() throws IOException {
        Path f = dir.resolve("ok.pcap");
        try (Capture c = new TuntapPlatform().openCapture(f, LinkType.ETHERNET, "tap1")) {
            assertEquals(0, c.frames());
        }
        assertEquals(24, Files.size(f), "the pcap file header");
    }
}
