package org.lwip4j.interop;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gate for tests that need the real network: root (or CAP_NET_ADMIN and CAP_SYS_ADMIN),
 * {@code /dev/net/tun}, iproute2 with network namespaces, {@code /usr/bin/python3} and the
 * other programs a test names. Without them the test class is skipped with a message saying
 * what is missing; with the environment variable {@code CI=true} it fails instead, so CI
 * cannot pass by skipping.
 */
final class RealNetwork implements ExecutionCondition, BeforeAllCallback {
    /** Marks a test class that needs the real network; {@link #value()} names further programs it runs. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(RealNetwork.class)
    @interface Required {
        /** Programs (absolute paths or names on the PATH) the tests run besides ip, ping and python3. */
        String[] value() default {};
    }

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(RealNetwork.class);
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    private static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Outside CI: the class is skipped (reported as skipped, with the reason) when something is missing. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = missing(context);
        if (why == null || ci()) {
            return ConditionEvaluationResult.enabled("real network available" + (why != null ? " (or CI=true)" : ""));
        }
        if (context.getTestMethod().isEmpty()) {
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + why);
        }
        return ConditionEvaluationResult.disabled(why);
    }

    /** With CI=true: a missing requirement fails the class instead. */
    @Override
    public void beforeAll(ExtensionContext context) {
        String why = missing(context);
        if (why != null) {
            throw new AssertionError(why + " [CI=true: a skip would hide this, so it fails]");
        }
    }

    /** What is missing for the test class of {@code context}, or null. */
    private static String missing(ExtensionContext context) {
        // The base requirements are checked once per JVM run (a namespace is made and removed to be sure).
        String base = context.getRoot().getStore(STORE).getOrComputeIfAbsent("base", k -> baseMissing(), String.class);
        List<String> all = new ArrayList<>();
        if (!base.isEmpty()) {
            all.add(base);
        }
        Required r = context.getRequiredTestClass().getAnnotation(Required.class);
        if (r != null) {
            for (String program : r.value()) {
                if (!onPath(program)) {
                    all.add(program + " is not installed");
                }
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        return "interop tests need the real network: " + String.join("; ", all)
                + ". Run them as root on Linux with /dev/net/tun (CI: .ci/run installs the programs).";
    }

    private static String baseMissing() {
        List<String> m = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "this is not Linux";
        }
        long caps = effectiveCapabilities();
        if ((caps & (1L << CAP_NET_ADMIN)) == 0 || (caps & (1L << CAP_SYS_ADMIN)) == 0) {
            m.add("root (CAP_NET_ADMIN and CAP_SYS_ADMIN) is needed, this JVM has not");
        }
        Path tun = Path.of("/dev/net/tun");
        if (!Files.exists(tun)) {
            m.add("/dev/net/tun is missing");
        } else if (!Files.isReadable(tun) || !Files.isWritable(tun)) {
            m.add("/dev/net/tun is not readable and writable");
        }
        for (String p : new String[] {"ip", "ping", "/usr/bin/python3"}) {
            if (!onPath(p)) {
                m.add(p + " is not installed");
            }
        }
        if (m.isEmpty()) {
            String probe = NetNs.uniqueName("p");
            Cmd.Result add = Cmd.run(Duration.ofSeconds(10), List.of("ip", "netns", "add", probe));
            if (!add.ok()) {
                m.add("cannot create a network namespace: " + add.output().strip());
            } else {
                Cmd.run(Duration.ofSeconds(10), List.of("ip", "netns", "del", probe));
            }
        }
        return String.join("; ", m);
    }

    /** The effective capability bits of this process ({@code CapEff} in {@code /proc/self/status}). */
    private static long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** True when {@code program} is an executable path, or a name found on the PATH. */
    static boolean onPath(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
