package org.lwip4j.testing;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * Fails every test that ends with pool pbufs outstanding, naming where they were allocated
 * (Netty's {@code ResourceLeakDetector} at its paranoid level, for pbufs).
 *
 * <p>Registered for every test of every module by JUnit's extension auto-detection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit-platform.properties} in core's test jar). The rule:
 * <ul>
 * <li>After each test (and its {@code @AfterEach} methods), every node of every pool made for
 *     the test (by the test, its {@code @BeforeEach} methods or its instance's fields: the
 *     pools of the stacks it made) must be back in its pool: pbufs the test allocated and
 *     pbufs its stacks allocated. A stack still open at the end of the test must have let go
 *     of them too (close it, or run it until its queues are empty): a test that leaves a
 *     stack holding memory leaks it.</li>
 * <li>After each class (and its {@code @AfterAll} methods), the same for the pools made for
 *     the class ({@code @BeforeAll}, a per-class test instance): a stack shared by the tests
 *     of a class may hold pbufs between them, and must have let go of all of them once the
 *     class has closed it.</li>
 * <li>Pools older than the class (static fixtures) are not checked.</li>
 * <li>{@link AllowLeaks} on the test or its class turns the failure into a warning on
 *     standard error, for a known leak awaiting its fix.</li>
 * </ul>
 * Pbufs that wrap caller memory without a pool ({@link org.lwip4j.buffer.Pbuf#wrap}) are not
 * tracked: nothing is lost when they are dropped.
 */
public final class PbufLeakExtension
        implements TestInstancePreConstructCallback, BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PbufLeakExtension.class);

    /** Made by JUnit's extension auto-detection. */
    public PbufLeakExtension() {
    }

    /** Asks for a per-method test instance to be made in the test's own context, so its pools count as the test's. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        // Before the test instance, so pools in its fields count as the test's (the class's
        // for a per-class instance).
        mark(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        mark(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        mark(context);
    }

    private static void mark(ExtensionContext context) {
        context.getStore(NS).getOrComputeIfAbsent(context.getUniqueId(),
                k -> LeakDetector.installed().mark(context.getUniqueId()), Long.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context, "allocated during this test");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context, "allocated by this class's fixtures (@BeforeAll, shared stacks)");
    }

    private static void check(ExtensionContext context, String when) {
        Long mark = context.getStore(NS).get(context.getUniqueId(), Long.class);
        if (mark == null) {
            return;
        }
        List<LeakDetector.Life> leaks = LeakDetector.installed().outstandingSince(mark);
        Optional<AllowLeaks> onMethod = context.getTestMethod().map(m -> m.getAnnotation(AllowLeaks.class));
        Optional<AllowLeaks> allow = onMethod.isPresent() ? onMethod : allowedByClass(context);
        if (leaks.isEmpty()) {
            if (onMethod.isPresent() && context.getExecutionException().isEmpty()) {
                throw new AssertionError("no pbuf leaked: remove @AllowLeaks(\"" + onMethod.get().value()
                        + "\") from " + context.getDisplayName());
            }
            return;
        }
        String report = LeakDetector.report(leaks, when);
        if (allow.isPresent()) {
            System.getLogger(PbufLeakExtension.class.getName()).log(System.Logger.Level.WARNING,
                    "known pbuf leak allowed (" + allow.get().value() + ") in " + context.getUniqueId() + ":\n" + report);
            return;
        }
        throw new AssertionError(report);
    }

    private static Optional<AllowLeaks> allowedByClass(ExtensionContext context) {
        for (Optional<Class<?>> c = context.getTestClass(); c.isPresent(); c = Optional.ofNullable(c.get().getEnclosingClass())) {
            AllowLeaks a = c.get().getAnnotation(AllowLeaks.class);
            if (a != null) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
