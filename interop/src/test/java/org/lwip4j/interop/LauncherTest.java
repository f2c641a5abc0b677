package org.lwip4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./lwip4j} launcher as a user meets it inside a network namespace without a
 * route, where Maven Central is out of reach: with the local Maven repository filled it
 * builds offline, makes the JDK's AOT cache once, reuses it, and remakes it when the jar
 * changes; with an empty repository it says in two lines what to do. Each test works on a
 * copy of the sources (no target directories), so the worktree's own build is left alone.
 */
@RealNetwork.Required({"mvn"})
class LauncherTest {
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(8);
    private static final String PREFIX = "lwip4j: ";

    @TempDir
    Path dir;

    @Test
    void withoutARouteAndAnEmptyMavenRepositoryItSaysWhatToDoInTwoLines() {
        Path src = copyOfSources();
        Path emptyRepo = dir.resolve("empty-m2");
        try (NetNs ns = NetNs.create()) {
            Cmd.Result r = ns.run(BUILD_LIMIT, "env", "MAVEN_OPTS=-Dmaven.repo.local=" + emptyRepo, src.resolve("lwip4j").toString(),
                    "--help");
            assertEquals(1, r.exit(), r.toString());
            List<String> lines = r.output().lines().toList();
            assertEquals(List.of(PREFIX + "building lwip4j (first run, ~30 s)..."), lines.subList(0, 1), r.toString());
            assertEquals(3, lines.size(), "the build message and two lines of advice, no Maven output:\n" + r);
            assertTrue(lines.get(1).startsWith(PREFIX) && lines.get(1).contains("cannot be reached"), r.toString());
            assertTrue(lines.get(2).startsWith(PREFIX) && lines.get(2).contains("./lwip4j --help") && lines.get(2).contains("mvn -o"),
                    r.toString());
        }
        assertFalse(Files.exists(src.resolve("cli/target/lwip4j-cli.jar")), "no jar was made");
    }

    @Test
    void withoutARouteItBuildsOfflineMakesTheAotCacheOnceAndRemakesItWhenTheJarChanges() throws IOException {
        Path src = copyOfSources();
        String launcher = src.resolve("lwip4j").toString();
        Path jar = src.resolve("cli/target/lwip4j-cli.jar");
        Path aot = src.resolve("cli/target/lwip4j-cli.aot");
        try (NetNs ns = NetNs.create()) {
            Cmd.Result first = ns.run(BUILD_LIMIT, launcher, "--version").check();
            assertTrue(first.output().contains(PREFIX + "building lwip4j (first run"), first.toString());
            assertTrue(first.output().contains(PREFIX + "making the JVM's AOT cache"), first.toString());
            assertTrue(first.output().contains("lwip4j 0."), first.toString());
            assertTrue(Files.size(aot) > 0, "the cache is next to the jar");

            Cmd.Result second = ns.run(Duration.ofSeconds(60), launcher, "--version").check();
            assertTrue(second.output().lines().noneMatch(l -> l.startsWith(PREFIX)), "nothing built or made again:\n" + second);
            assertTrue(second.output().contains("lwip4j 0."), second.toString());

            // A new jar (as a rebuild leaves it): the cache no longer matches and is made again.
            FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(aot).toMillis() + 2000);
            Files.setLastModifiedTime(jar, later);
            Cmd.Result third = ns.run(BUILD_LIMIT, launcher, "--version").check();
            assertFalse(third.output().contains("building"), third.toString());
            assertTrue(third.output().contains(PREFIX + "making the JVM's AOT cache"), third.toString());
            assertTrue(Files.getLastModifiedTime(aot).compareTo(later) >= 0, "the cache was remade");

            // LWIP4J_AOT=0: neither made nor used.
            Files.delete(aot);
            Cmd.Result off = ns.run(Duration.ofSeconds(60), "env", "LWIP4J_AOT=0", launcher, "--version").check();
            assertTrue(off.output().lines().noneMatch(l -> l.startsWith(PREFIX)), off.toString());
            assertFalse(Files.exists(aot), "no cache with LWIP4J_AOT=0");
        }
    }

    /** The repository's launcher, root pom and modules, without build output, copied into the temp dir. */
    private Path copyOfSources() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("lwip4j"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new AssertionError("no lwip4j launcher above " + Path.of("").toAbsolutePath());
        }
        Path from = root;
        Path to = dir.resolve("src");
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    String name = d.getFileName() == null ? "" : d.getFileName().toString();
                    if (!d.equals(from) && (name.equals("target") || name.startsWith("."))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(to.resolve(from.relativize(d).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }
}
