package org.lwip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README compiles as shown, against the modules' classes,
 * as a user's module would: from a module that requires {@code org.lwip4j.core},
 * {@code org.lwip4j.netif} and {@code org.lwip4j.apps} on the module path, so an example
 * that names anything the modules do not export (docs/DESIGN.md "API surface") fails.
 * The README's convention: a block is its imports, then statements, compiled as the body of
 * {@code static void example() throws Exception}; a block preceded by
 * {@code <!-- java: continues -->} is appended to the block before it (same method, imports
 * merged), so it may use that block's variables.
 */
class ReadmeJavaExamplesTest {
    static final String CONTINUES = "<!-- java: continues -->";

    @TempDir
    Path out;

    /** One compilation unit: README lines of imports and of statements, with where each came from. */
    record Example(int firstLine, List<String> imports, List<String> body, List<Integer> bodyLines) {
        /** The source; the body starts at line {@code imports().size() + 2}. */
        String source(String className) {
            // On the first line, so line numbers stay as they were (a module's code needs a package).
            StringBuilder sb = new StringBuilder("package readme; ");
            for (String i : imports) {
                sb.append(i).append('\n');
            }
            sb.append("class ").append(className).append(" { static void example() throws Exception {\n");
            for (String b : body) {
                sb.append(b).append('\n');
            }
            return sb.append("}}\n").toString();
        }

        /** The README line of source line {@code line} (1-based). */
        int readmeLine(long line) {
            int i = (int) line - imports.size() - 2;
            return i >= 0 && i < bodyLines.size() ? bodyLines.get(i) : firstLine;
        }
    }

    static Path readme() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "README.md not found above " + Path.of("").toAbsolutePath());
        return p.resolve("README.md");
    }

    /** The README's Java examples, continued blocks merged into the one they continue. */
    static List<Example> examples(List<String> lines) {
        List<Example> all = new ArrayList<>();
        String previous = "";
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.strip().equals("```java")) {
                if (!l.isBlank()) {
                    previous = l.strip();
                }
                continue;
            }
            boolean continues = previous.equals(CONTINUES);
            if (continues && all.isEmpty()) {
                throw new AssertionError("README line " + (i + 1) + ": a block that continues nothing");
            }
            Example e = continues ? all.getLast() : new Example(i + 2, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            boolean inImports = true;
            int j = i + 1;
            for (; j < lines.size() && !lines.get(j).strip().equals("```"); j++) {
                String s = lines.get(j);
                if (inImports && (s.startsWith("import ") || s.isBlank())) {
                    if (!s.isBlank() && !e.imports().contains(s.strip())) {
                        e.imports().add(s.strip());
                    }
                    continue;
                }
                inImports = false;
                e.body().add(s);
                e.bodyLines().add(j + 1);
            }
            if (!continues) {
                all.add(e);
            }
            i = j;
            previous = "";
        }
        return all;
    }

    /** Compiles {@code e}; returns the errors, each with its README line, or an empty list. */
    List<String> compile(Example e, String className) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        JavaFileObject src = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return e.source(className);
            }
        };
        JavaFileObject module = new SimpleJavaFileObject(URI.create("string:///module-info.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return "module readme { requires org.lwip4j.core; requires org.lwip4j.netif; requires org.lwip4j.apps; }";
            }
        };
        List<String> options = List.of("--module-path", lwip4jModules(), "-d", out.toString(), "-proc:none", "-Xlint:none");
        boolean ok = javac.getTask(null, null, diags, options, null, List.of(module, src)).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add("README.md:" + e.readmeLine(d.getLineNumber()) + ": " + d.getMessage(Locale.ROOT));
            }
        }
        if (!ok && errors.isEmpty()) {
            errors.add("README.md:" + e.firstLine() + ": javac failed");
        }
        return errors;
    }

    /** The lwip4j library modules of the test's class path (their classes directories or jars), as a module path. */
    static String lwip4jModules() {
        List<String> found = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) ? !Files.exists(p.resolve("module-info.class")) : !entry.endsWith(".jar")) {
                continue;
            }
            for (ModuleReference m : ModuleFinder.of(p).findAll()) {
                ModuleDescriptor d = m.descriptor();
                if (!d.isAutomatic() && d.name().startsWith("org.lwip4j.") && !d.name().equals("org.lwip4j.cli")) {
                    found.add(entry);
                }
            }
        }
        assertEquals(3, found.size(), "core, netif and apps on the class path: " + found);
        return String.join(File.pathSeparator, found);
    }

    @Test
    void anExampleReachingPastTheApiDoesNotCompile() throws IOException {
        // public, but in the unexported org.lwip4j.internal.ip: a user's module cannot name it.
        Example e = new Example(1, new ArrayList<>(List.of("import org.lwip4j.internal.ip.IpInfoWriter;")),
                List.of("Object w = new IpInfoWriter();"), List.of(2));
        List<String> errors = compile(e, "ReachesInternal");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().contains("org.lwip4j.internal") && errors.getFirst().contains("not visible"),
                errors.toString());
    }

    @Test
    void everyJavaBlockCompilesAsShown() throws IOException {
        List<Example> examples = examples(Files.readAllLines(readme()));
        assertFalse(examples.isEmpty(), "no ```java block in the README");
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            errors.addAll(compile(examples.get(i), "ReadmeExample" + i));
        }
        assertEquals(List.of(), errors, "README Java examples that do not compile as shown");
    }

    @Test
    void theConventionMergesContinuedBlocksAndReportsReadmeLines() throws IOException {
        List<String> md = List.of(
                "```java",                       // 1
                "import java.util.List;",        // 2
                "",                              // 3
                "List<String> names = List.of(\"a\");", // 4
                "```",                           // 5
                "<!-- java: continues -->",      // 6
                "```java",                       // 7
                "import java.util.List;",        // 8
                "int n = names.size();",         // 9
                "Undefined u = null;",           // 10
                "```");
        List<Example> ex = examples(md);
        assertEquals(1, ex.size());
        assertEquals(List.of("import java.util.List;"), ex.getFirst().imports());
        assertEquals(List.of(4, 9, 10), ex.getFirst().bodyLines());
        List<String> errors = compile(ex.getFirst(), "ConventionCheck");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("README.md:10: cannot find symbol"), errors.toString());
    }
}
