package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's shell blocks work as pasted. Every fenced block has an info string, and every
 * {@code ```sh} block is preceded by a marker saying how it is meant to be run:
 * <ul>
 * <li>{@code <!-- readme-test: script -->}: pasted as a whole into a shell;
 * <li>{@code <!-- readme-test: terminal-1 -->}: a command that runs until Ctrl-C, ready once it
 *     printed "Stop with Ctrl-C"; the {@code terminal-2} blocks after it are pasted, in order,
 *     into another terminal while it runs; then it gets Ctrl-C and must stop with exit code 0;
 * <li>{@code <!-- readme-test: skip (reason) -->}: not run here.
 * </ul>
 * A marker may add {@code needs=prog,prog} (without them the block is skipped with a message,
 * or fails under {@code CI=true}) and {@code expect="text"} (repeatable: text its output must
 * hold). Each script or terminal group runs in a network and mount namespace of its own
 * ({@code unshare}, with a private {@code /run/netns}, so {@code ip netns add red} makes no
 * namespace the host sees), in a directory of its own where {@code ./lwip4j} runs the CLI of
 * this build; everything it made goes away with its processes.
 */
@RealNetwork.Required({"unshare", "nsenter"})
class ReadmeShellTest {
    private static final String READY = "Stop with Ctrl-C";
    private static final Pattern MARKER = Pattern.compile("<!--\\s*readme-test:\\s*(\\S+)(.*?)-->");
    private static final Pattern OPTION = Pattern.compile("(needs|expect)=(\"([^\"]*)\"|(\\S+))");
    /** What bash, iproute2 and the CLI print when a pasted line did not work. */
    private static final List<String> FAILURE_SIGNS = List.of("Error:", "RTNETLINK answers", "Cannot find device",
            "command not found", "No such file or directory", "Usage: lwip4j", "Destination Host Unreachable");

    @TempDir
    Path dir;

    /** One marked shell block. */
    record Block(int line, String kind, List<String> needs, List<String> expect, String text) {
        String where() {
            return "README.md:" + line;
        }
    }

    private static Path readme() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "README.md not found");
        return p.resolve("README.md");
    }

    /** The README's {@code ```sh} blocks with their markers; fails on an unmarked or info-less block. */
    static List<Block> blocks(List<String> lines) {
        List<Block> all = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String previous = "";
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (!l.startsWith("```")) {
                if (!l.isEmpty()) {
                    previous = l;
                }
                continue;
            }
            String info = l.substring(3).strip();
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (info.isEmpty()) {
                problems.add("README.md:" + (i + 1) + ": a block without an info string (```sh, ```java, ...)");
            } else if (info.equals("sh") || info.equals("bash") || info.equals("shell")) {
                Matcher m = MARKER.matcher(previous);
                if (!m.matches()) {
                    problems.add("README.md:" + (i + 1) + ": a shell block without a <!-- readme-test: ... --> marker");
                } else {
                    List<String> needs = new ArrayList<>();
                    List<String> expect = new ArrayList<>();
                    Matcher o = OPTION.matcher(m.group(2));
                    while (o.find()) {
                        String v = o.group(3) != null ? o.group(3) : o.group(4);
                        if (o.group(1).equals("needs")) {
                            needs.addAll(List.of(v.split(",")));
                        } else {
                            expect.add(v);
                        }
                    }
                    String kind = m.group(1);
                    if (!List.of("script", "terminal-1", "terminal-2", "skip").contains(kind)) {
                        problems.add("README.md:" + (i + 1) + ": unknown readme-test kind " + kind);
                    }
                    all.add(new Block(i + 2, kind, needs, expect, String.join("\n", lines.subList(i + 1, end)) + "\n"));
                }
            }
            i = end;
            previous = "";
        }
        assertEquals(List.of(), problems, "README blocks the test cannot classify");
        return all;
    }

    @Test
    void everyShellBlockIsMarkedAndTerminalTwoFollowsTerminalOne() throws IOException {
        List<Block> blocks = blocks(Files.readAllLines(readme()));
        assertTrue(blocks.stream().anyMatch(b -> b.kind().equals("script")), "the router example is a script");
        String last = "";
        for (Block b : blocks) {
            if (b.kind().equals("terminal-2")) {
                assertTrue(last.equals("terminal-1") || last.equals("terminal-2"), b.where() + ": terminal-2 after " + last);
            }
            if (!b.kind().equals("skip")) {
                last = b.kind();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> readmeShellBlocksWorkAsPasted() throws IOException {
        List<Block> blocks = blocks(Files.readAllLines(readme()));
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            switch (b.kind()) {
                case "script" -> tests.add(DynamicTest.dynamicTest(b.where() + " (script)", () -> runScript(b)));
                case "terminal-1" -> {
                    List<Block> second = new ArrayList<>();
                    for (int j = i + 1; j < blocks.size() && blocks.get(j).kind().equals("terminal-2"); j++) {
                        second.add(blocks.get(j));
                    }
                    tests.add(DynamicTest.dynamicTest(b.where() + " (two terminals)", () -> runTerminals(b, second)));
                }
                default -> {
                    // terminal-2 blocks run with their terminal-1; skip blocks are not run.
                }
            }
        }
        return tests.stream();
    }

    /** A directory of the block's own, with {@code ./lwip4j} running this build's CLI. */
    private Path workDir(Block b) throws IOException {
        Path work = Files.createDirectory(dir.resolve("line" + b.line()));
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path launcher = work.resolve("lwip4j");
        Files.writeString(launcher, "#!/bin/sh\n# Stands in for the repository's launcher: the CLI of this build.\nexec '" + java
                + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path") + "' org.lwip4j.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return work;
    }

    /** In a network and mount namespace of its own, with a private /run/netns and lo up, in {@code work}: {@code then}. */
    private static List<String> isolated(Path work, String then) {
        String prologue = "set -u; mkdir -p /run/netns && mount -t tmpfs lwip4j-readme /run/netns && ip link set lo up && cd '" + work
                + "' && " + then;
        return List.of("unshare", "--net", "--mount", "--propagation", "private", "bash", "-c", prologue);
    }

    /** The programs {@code b} needs that are missing, as a reason; or null. */
    private static String missing(Block b) {
        List<String> m = b.needs().stream().filter(p -> !RealNetwork.onPath(p)).toList();
        if (m.isEmpty()) {
            return null;
        }
        String why = b.where() + " needs " + String.join(", ", m) + ", which is not installed";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true: " + why);
        }
        System.err.println("SKIPPED " + why);
        return why;
    }

    private static void checkOutput(Block b, String output) {
        for (String sign : FAILURE_SIGNS) {
            assertFalse(output.contains(sign), b.where() + ": a pasted line failed (\"" + sign + "\"):\n" + output);
        }
        for (String e : b.expect()) {
            assertTrue(output.contains(e), b.where() + ": expected \"" + e + "\" in the output:\n" + output);
        }
    }

    private void runScript(Block b) throws IOException {
        if (missing(b) != null) {
            return;
        }
        Path work = workDir(b);
        Files.writeString(work.resolve("block.sh"), b.text());
        // As pasted into an interactive shell: line after line, a failing line does not stop the rest.
        // Afterwards, whatever it left running in the background is stopped (the README's block stops it itself).
        Cmd.Result r = Cmd.run(Duration.ofSeconds(180), isolated(work, ". ./block.sh; st=$?; "
                + "for p in $(jobs -p); do echo \"left running: $p\"; kill -TERM $p; done; wait; exit $st"));
        assertEquals(0, r.exit(), b.where() + ": the block's last line failed:\n" + r);
        assertFalse(r.output().contains("left running:"), b.where() + ": the block left processes running:\n" + r);
        checkOutput(b, r.output());
    }

    private void runTerminals(Block first, List<Block> second) throws IOException {
        if (missing(first) != null) {
            return;
        }
        Path work = workDir(first);
        Files.writeString(work.resolve("terminal1.sh"), first.text());
        Cmd.Background t1 = Cmd.start(isolated(work, "exec bash ./terminal1.sh"));
        try (t1) {
            t1.awaitLine(l -> l.startsWith(READY), Duration.ofSeconds(120));
            for (Block b : second) {
                if (missing(b) != null) {
                    continue;
                }
                Path script = work.resolve("terminal2-line" + b.line() + ".sh");
                Files.writeString(script, b.text());
                // The other terminal: the same namespaces, a shell of its own; a failing line fails the block.
                Cmd.Result r = Cmd.run(Duration.ofSeconds(60), List.of("nsenter", "--target", Long.toString(t1.process().pid()),
                        "--net", "--mount", "bash", "-e", "-o", "pipefail", "-c", "cd '" + work + "' && . '" + script + "'"));
                assertEquals(0, r.exit(), b.where() + ": failed while " + first.where() + " runs:\n" + r + "\nterminal 1:\n"
                        + t1.output());
                checkOutput(b, r.output());
            }
            // Ctrl-C in terminal 1: SIGINT to its foreground processes.
            t1.process().descendants().forEach(p -> Cmd.run("kill", "-INT", Long.toString(p.pid())));
            Cmd.run("kill", "-INT", Long.toString(t1.process().pid()));
            Cmd.Result r = t1.finish(Duration.ofSeconds(30));
            assertEquals(0, r.exit(), first.where() + ": did not stop cleanly on Ctrl-C:\n" + r);
            assertTrue(r.output().contains("lwip4j: stopped; devices released"), first.where() + ":\n" + r);
            checkOutput(first, r.output());
        }
    }
}
