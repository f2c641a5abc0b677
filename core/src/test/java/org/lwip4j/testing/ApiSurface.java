package org.lwip4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The public API of one lwip4j module, read from its compiled classes: every public or
 * protected type of the packages its {@code module-info} exports to everyone, with every
 * public or protected constructor, method and field, one line each, sorted. Tests compare it
 * with a checked-in listing ({@code src/test/resources/api/<module>-api.txt}), so a change to
 * the API shows as a diff its author must accept (docs/TESTING.md "The API listing").
 *
 * <p>{@link #leaks} checks the other rule: no exported type names, in a public signature, a
 * type its user cannot reach (one from a package no module exports to everyone).
 */
public final class ApiSurface {
    private final Path classes;
    private final ModuleDescriptor descriptor;
    private final ClassLoader loader;
    private final Set<String> exported = new TreeSet<>();
    private final List<Class<?>> types = new ArrayList<>();

    private ApiSurface(Path classes, ClassLoader loader, Set<String> hidden) throws IOException {
        this.classes = classes;
        this.loader = loader;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            this.descriptor = ModuleDescriptor.read(in, () -> packagesIn(classes));
        }
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
            if (!e.isQualified() && !hidden.contains(e.source())) {
                exported.add(e.source());
            }
        }
        for (String pkg : exported) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(".class") || name.equals("package-info.class")) {
                        continue;
                    }
                    Class<?> c = load(pkg + "." + name.substring(0, name.length() - ".class".length()));
                    if (visible(c)) {
                        types.add(c);
                    }
                }
            }
        }
    }

    private static Set<String> packagesIn(Path classes) {
        try (Stream<Path> files = Files.walk(classes)) {
            Set<String> out = new TreeSet<>();
            files.filter(f -> f.toString().endsWith(".class") && f.getParent() != null && !f.getParent().equals(classes))
                    .forEach(f -> out.add(classes.relativize(f.getParent()).toString().replace('/', '.')));
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The API of the module whose classes directory (or jar root) holds {@code anyClass}. */
    public static ApiSurface of(Class<?> anyClass) {
        try {
            Path root = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new ApiSurface(root, anyClass.getClassLoader(), Set.of());
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the module of " + anyClass, e);
        }
    }

    /** The module's name, from its descriptor. */
    public String moduleName() {
        return descriptor.name();
    }

    /**
     * The same module as if {@code packages} were not exported: what {@link #leaks} would then
     * report (to show that the check finds what it should).
     */
    public ApiSurface without(String... packages) {
        try {
            return new ApiSurface(classes, loader, Set.of(packages));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Packages exported to every module (qualified exports are not API). */
    public Set<String> exportedPackages() {
        return new TreeSet<>(exported);
    }

    /** Every package of the module: exported or not. */
    public Set<String> packages() {
        return new TreeSet<>(descriptor.packages());
    }

    /** The listing: one line per public or protected type and member, sorted. */
    public List<String> lines() {
        TreeSet<String> out = new TreeSet<>();
        for (Class<?> c : types) {
            out.add(typeLine(c));
            String owner = c.getName();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (api(k) && !k.isSynthetic()) {
                    out.add(owner + ": " + k.toGenericString());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (api(m) && !m.isSynthetic() && !m.isBridge()) {
                    out.add(owner + ": " + m.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (api(f) && !f.isSynthetic()) {
                    out.add(owner + ": " + f.toGenericString());
                }
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Every place an exported type names, in a public or protected signature, a type from a
     * package no module exports to everyone (its supertypes, a member's parameter, result,
     * exception or field type, type arguments and bounds): what a user could be handed but not
     * name. {@code alsoExported} are packages other modules export (a module's API may name
     * the API of the modules it requires).
     */
    public List<String> leaks(Collection<String> alsoExported) {
        Set<String> ok = new HashSet<>(exportedPackages());
        ok.addAll(alsoExported);
        List<String> out = new ArrayList<>();
        for (Class<?> c : types) {
            List<Type> sig = new ArrayList<>();
            sig.add(c.getGenericSuperclass());
            sig.addAll(List.of(c.getGenericInterfaces()));
            sig.addAll(List.of(c.getTypeParameters()));
            check(c.getName(), sig, ok, out);
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (api(k) && !k.isSynthetic()) {
                    check(c.getName() + ": " + k.toGenericString(), signature(k), ok, out);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (api(m) && !m.isSynthetic() && !m.isBridge()) {
                    List<Type> s = signature(m);
                    s.add(m.getGenericReturnType());
                    check(c.getName() + ": " + m.toGenericString(), s, ok, out);
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (api(f) && !f.isSynthetic()) {
                    check(c.getName() + ": " + f.toGenericString(), List.of(f.getGenericType()), ok, out);
                }
            }
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    check(c.getName() + ": record component " + rc.getName(), List.of(rc.getGenericType()), ok, out);
                }
            }
        }
        return out;
    }

    private static List<Type> signature(Executable e) {
        List<Type> s = new ArrayList<>(List.of(e.getGenericParameterTypes()));
        s.addAll(List.of(e.getGenericExceptionTypes()));
        s.addAll(List.of(e.getTypeParameters()));
        return s;
    }

    private void check(String where, List<Type> sig, Set<String> ok, List<String> out) {
        Set<Type> seen = new HashSet<>();
        for (Type t : sig) {
            walk(t, seen, where, ok, out);
        }
    }

    private void walk(Type t, Set<Type> seen, String where, Set<String> ok, List<String> out) {
        if (t == null || !seen.add(t)) {
            return;
        }
        switch (t) {
            case Class<?> c -> {
                while (c.isArray()) {
                    c = c.getComponentType();
                }
                if (!c.isPrimitive() && !reachable(c, ok)) {
                    out.add(where + " -> " + c.getName());
                }
            }
            case ParameterizedType p -> {
                walk(p.getRawType(), seen, where, ok, out);
                walk(p.getOwnerType(), seen, where, ok, out);
                for (Type a : p.getActualTypeArguments()) {
                    walk(a, seen, where, ok, out);
                }
            }
            case GenericArrayType g -> walk(g.getGenericComponentType(), seen, where, ok, out);
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    walk(b, seen, where, ok, out);
                }
                for (Type b : w.getLowerBounds()) {
                    walk(b, seen, where, ok, out);
                }
            }
            case TypeVariable<?> v -> {
                for (Type b : v.getBounds()) {
                    walk(b, seen, where, ok, out);
                }
            }
            default -> throw new IllegalStateException("unknown type " + t);
        }
    }

    /** A user can name {@code c}: public (with public enclosing types) in an exported package. */
    private static boolean reachable(Class<?> c, Set<String> ok) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers())) {
                return false;
            }
        }
        Module m = c.getModule();
        if (m.isNamed()) {
            return m.isExported(c.getPackageName());
        }
        return ok.contains(c.getPackageName());
    }

    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic()) {
                return false;
            }
            if (!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean api(Member m) {
        return Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers());
    }

    private static String typeLine(Class<?> c) {
        StringBuilder b = new StringBuilder(c.getName()).append(": ");
        String mods = Modifier.toString(c.getModifiers() & ~Modifier.INTERFACE & ~Modifier.ABSTRACT & ~Modifier.STATIC);
        if (!mods.isEmpty()) {
            b.append(mods).append(' ');
        }
        if (c.isAnnotation()) {
            b.append("@interface");
        } else if (c.isInterface()) {
            b.append(c.isSealed() ? "sealed interface" : "interface");
        } else if (c.isEnum()) {
            b.append("enum");
        } else if (c.isRecord()) {
            b.append("record");
        } else {
            b.append(Modifier.isAbstract(c.getModifiers()) ? "abstract class" : "class");
            if (c.isSealed()) {
                b.append(" (sealed)");
            }
        }
        Type sup = c.getGenericSuperclass();
        if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
            b.append(" extends ").append(sup.getTypeName());
        }
        Type[] ifs = c.getGenericInterfaces();
        if (ifs.length > 0) {
            b.append(c.isInterface() ? " extends " : " implements ");
            for (int i = 0; i < ifs.length; i++) {
                b.append(i == 0 ? "" : ", ").append(ifs[i].getTypeName());
            }
        }
        return b.toString();
    }

    private Class<?> load(String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("listed in " + classes + " but not loadable: " + name, e);
        }
    }

    /**
     * Compares {@link #lines()} with the checked-in listing {@code resource} (a path under
     * the module's {@code src/test/resources}); on a difference writes the actual listing to
     * {@code target/api/} and returns a message naming the lines added and removed, and how
     * to accept them. With {@code -Dlwip4j.api.update=true} it rewrites the checked-in file
     * instead. Returns {@code null} when they agree.
     */
    public String compareWith(String resource) throws IOException {
        List<String> actual = lines();
        Path expectedFile = Path.of("src/test/resources").resolve(resource);
        List<String> expected = Files.exists(expectedFile) ? Files.readAllLines(expectedFile) : List.of();
        if (actual.equals(expected)) {
            return null;
        }
        if (Boolean.getBoolean("lwip4j.api.update")) {
            Files.createDirectories(expectedFile.getParent());
            Files.write(expectedFile, actual);
            return null;
        }
        Path actualFile = Path.of("target/api").resolve(expectedFile.getFileName());
        Files.createDirectories(actualFile.getParent());
        Files.write(actualFile, actual);
        Set<String> added = new TreeSet<>(actual);
        expected.forEach(added::remove);
        Set<String> removed = new TreeSet<>(expected);
        actual.forEach(removed::remove);
        StringBuilder b = new StringBuilder("the API of ").append(moduleName()).append(" changed (")
                .append(added.size()).append(" added, ").append(removed.size()).append(" removed). If intended, accept it:\n")
                .append("  cp ").append(actualFile.toAbsolutePath()).append(' ').append(expectedFile.toAbsolutePath())
                .append("   (or run the test with -Dlwip4j.api.update=true)\n");
        added.forEach(l -> b.append("+ ").append(l).append('\n'));
        removed.forEach(l -> b.append("- ").append(l).append('\n'));
        return b.toString();
    }
}
