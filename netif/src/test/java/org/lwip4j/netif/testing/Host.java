package org.lwip4j.netif.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Privilege checks and shell commands for tests that need root and /dev/net/tun. */
public final class Host {
    private Host() {
    }

    /** True when running in CI (env {@code CI=true}): privileged tests must run there, not skip. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips (or, in CI, fails) the test class unless root with /dev/net/tun and the ip tool;
     * call it from a {@code @BeforeAll}. A skip prints {@code SKIPPED Class: reason} on
     * stderr, since the build's summary shows only the number of skipped tests.
     */
    public static void requireRootAndTun(Class<?> testClass) {
        String why = null;
        if (!"root".equals(System.getProperty("user.name")) && !isUid0()) {
            why = "needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to create TAP devices and network namespaces";
        } else if (!Files.exists(Path.of("/dev/net/tun"))) {
            why = "needs /dev/net/tun (TUN/TAP support in the kernel)";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip")) && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            why = "needs the ip tool (iproute2)";
        }
        if (why != null) {
            if (ci()) {
                fail("CI=true but this test " + why);
            }
            skip(testClass, "this test " + why + " (set CI=true to make it fail instead)");
        }
    }

    /** Skips the test class, printing {@code SKIPPED Class: reason} on stderr. */
    public static void skip(Class<?> testClass, String why) {
        System.err.println("SKIPPED " + testClass.getSimpleName() + ": " + why);
        Assumptions.abort("skipped: " + why);
    }

    private static boolean isUid0() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** A unique name with our test prefix ({@code l4jt} + 6 hex digits + suffix), at most 15 characters. */
    public static String uniqueName(String suffix) {
        return "l4jt" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24)) + suffix;
    }

    /** Runs a command; returns its output; throws with the output when it fails. */
    public static String run(String... cmd) {
        Result r = exec(cmd);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.output);
        }
        return r.output;
    }

    /** Runs a command and ignores failure (for cleanup). */
    public static Result runQuietly(String... cmd) {
        try {
            return exec(cmd);
        } catch (RuntimeException e) {
            return new Result(-1, e.toString());
        }
    }

    /** Exit code and merged output. */
    public record Result(int code, String output) {
    }

    public static Result exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts a command in the background (output discarded). */
    public static Process start(String... cmd) {
        try {
            return new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
        }
    }
}
