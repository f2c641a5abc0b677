package org.lwip4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.TestExecutionResult;
import org.lwip4j.buffer.Layer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.buffer.PbufPool;

/**
 * {@link PbufLeakExtension} and {@link LeakDetector}: fixture classes run through the JUnit
 * launcher, with the outcome and message of each of their tests checked.
 */
class PbufLeakExtensionTest {
    private static final String FIXTURES = "lwip4j.leakFixtures";

    /** Runs the fixture classes only when this test launches them. */
    static final class OnlyWhenLaunched implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(FIXTURES).isPresent()
                    ? ConditionEvaluationResult.enabled("launched by PbufLeakExtensionTest")
                    : ConditionEvaluationResult.disabled("a fixture of PbufLeakExtensionTest");
        }
    }

    @ExtendWith(OnlyWhenLaunched.class)
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Tests {
        final PbufPool pool = new PbufPool(16, 256, 1 << 16);

        @Test
        void a_leaksFourNodesFromTwoSites() {
            for (int i = 0; i < 3; i++) {
                pool.allocPool(Layer.RAW, 10);
            }
            pool.allocRam(Layer.RAW, 20);
        }

        @Test
        void b_freesEverything() {
            Pbuf p = pool.allocPool(Layer.RAW, 600);
            Pbuf q = pool.allocRam(Layer.RAW, 20);
            p.free();
            q.free();
        }

        @Test
        void c_keepsOneOfTwoReferences() {
            Pbuf p = pool.allocPool(Layer.RAW, 10);
            p.ref();
            p.free();
        }

        @Test
        @AllowLeaks("known leak, awaiting its fix")
        void d_leaksWithLeave() {
            pool.allocPool(Layer.RAW, 10);
        }

        @Test
        @AllowLeaks("stale: nothing leaks here any more")
        void e_allowsButDoesNotLeak() {
            pool.allocPool(Layer.RAW, 10).free();
        }

        @Test
        void f_leakedFromAnotherThread() throws InterruptedException {
            Thread t = new Thread(() -> pool.allocPool(Layer.RAW, 10), "fixture-loop");
            t.start();
            t.join();
        }
    }

    @ExtendWith(OnlyWhenLaunched.class)
    static class LeakyFixture {
        static final PbufPool POOL = new PbufPool(4, 256, 0);

        @BeforeAll
        static void holdOne() {
            POOL.allocPool(Layer.RAW, 30);
        }

        @Test
        void cleanTest() {
            POOL.allocPool(Layer.RAW, 10).free();
        }
    }

    @ExtendWith(OnlyWhenLaunched.class)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class SharedStackFixture {
        final PbufPool pool = new PbufPool(4, 256, 0);
        Pbuf held;

        @Test
        void a_leavesABufferHeldByTheSharedStack() {
            held = pool.allocPool(Layer.RAW, 10);
        }

        @Test
        void b_theSharedStackLetsGo() {
            held.free();
        }
    }

    @ExtendWith(OnlyWhenLaunched.class)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class SharedStackNeverClosed {
        final PbufPool pool = new PbufPool(4, 256, 0);

        @Test
        void leavesABufferHeldByTheSharedStack() {
            pool.allocPool(Layer.RAW, 10);
        }
    }

    /** Runs {@code fixture}; returns each test's (and container's) outcome, by display name. */
    private static Map<String, TestExecutionResult> run(Class<?> fixture) {
        Map<String, TestExecutionResult> results = new TreeMap<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(fixture))
                .configurationParameter(FIXTURES, "true")
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        results.put(id.getDisplayName(), result);
                    }
                });
        return results;
    }

    private static String failure(TestExecutionResult r) {
        assertEquals(TestExecutionResult.Status.FAILED, r.getStatus(), "expected a failure");
        return r.getThrowable().orElseThrow().getMessage();
    }

    @Test
    void aLeakFailsTheTestNamingItsAllocationSitesGroupedWithCounts() {
        Map<String, TestExecutionResult> r = run(Tests.class);
        String m = failure(r.get("a_leaksFourNodesFromTwoSites()"));
        assertTrue(m.startsWith("4 pbuf nodes allocated during this test were never freed, from 2 allocation sites."), m);
        int three = m.indexOf("3 nodes (POOL 10 B x3) allocated on thread main at:\n"
                + "    org.lwip4j.testing.PbufLeakExtensionTest$Tests.a_leaksFourNodesFromTwoSites(PbufLeakExtensionTest.java:");
        int one = m.indexOf("1 node (RAM 20 B) allocated on thread main at:\n"
                + "    org.lwip4j.testing.PbufLeakExtensionTest$Tests.a_leaksFourNodesFromTwoSites(PbufLeakExtensionTest.java:");
        assertTrue(three > 0 && one > three, "largest group first, each site named:\n" + m);
        assertTrue(!m.contains("org.junit."), "the trace stops at the test method:\n" + m);
    }

    @Test
    void aTestThatFreesEverythingPassesAndIsNotBlamedForAnEarlierLeak() {
        Map<String, TestExecutionResult> r = run(Tests.class);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.get("b_freesEverything()").getStatus());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.get("PbufLeakExtensionTest$Tests").getStatus(), "each leak is reported once");
    }

    @Test
    void aLeakedReferenceNamesWhereItLastChangedHands() {
        String m = failure(run(Tests.class).get("c_keepsOneOfTwoReferences()"));
        assertTrue(m.contains("last touched (free, refs left) at:\n"
                + "    org.lwip4j.testing.PbufLeakExtensionTest$Tests.c_keepsOneOfTwoReferences("), m);
    }

    @Test
    void allowLeaksToleratesAKnownLeakAndMustGoWhenTheLeakIsFixed() {
        Map<String, TestExecutionResult> r = run(Tests.class);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.get("d_leaksWithLeave()").getStatus());
        String m = failure(r.get("e_allowsButDoesNotLeak()"));
        assertEquals("no pbuf leaked: remove @AllowLeaks(\"stale: nothing leaks here any more\") from e_allowsButDoesNotLeak()", m);
    }

    @Test
    void aLeakOnAnotherThreadIsCaughtAndTheThreadNamed() {
        String m = failure(run(Tests.class).get("f_leakedFromAnotherThread()"));
        assertTrue(m.contains("1 node (POOL 10 B) allocated on thread fixture-loop at:\n"
                + "    org.lwip4j.testing.PbufLeakExtensionTest$Tests.lambda$f_leakedFromAnotherThread$"), m);
    }

    @Test
    void aLeakOfABeforeAllFixtureFailsTheClass() {
        Map<String, TestExecutionResult> r = run(LeakyFixture.class);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.get("cleanTest()").getStatus());
        String m = failure(r.get("PbufLeakExtensionTest$LeakyFixture"));
        assertTrue(m.startsWith("1 pbuf node allocated by this class's fixtures (@BeforeAll, shared stacks) was never freed"), m);
        assertTrue(m.contains("LeakyFixture.holdOne("), m);
    }

    @Test
    void aPoolSharedByTheTestsOfAClassIsCheckedWhenTheClassEnds() {
        Map<String, TestExecutionResult> r = run(SharedStackFixture.class);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.get("a_leavesABufferHeldByTheSharedStack()").getStatus());
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.get("PbufLeakExtensionTest$SharedStackFixture").getStatus());
        r = run(SharedStackNeverClosed.class);
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.get("leavesABufferHeldByTheSharedStack()").getStatus());
        String m = failure(r.get("PbufLeakExtensionTest$SharedStackNeverClosed"));
        assertTrue(m.contains("SharedStackNeverClosed.leavesABufferHeldByTheSharedStack("), m);
    }

    @Test
    void aUseAfterFreeSaysWhereThePbufWasAllocatedAndFreed() {
        PbufPool pool = new PbufPool(4, 256, 0);
        Pbuf p = pool.allocPool(Layer.RAW, 10);
        p.free();
        String m = assertThrows(IllegalStateException.class, p::segment).getMessage();
        assertTrue(m.startsWith("pbuf used after it was freed\nPOOL pbuf allocated on thread main at:\n"
                + "    org.lwip4j.testing.PbufLeakExtensionTest.aUseAfterFreeSaysWhereThePbufWasAllocatedAndFreed("), m);
        assertTrue(m.contains("freed at:\n    org.lwip4j.testing.PbufLeakExtensionTest.aUseAfterFreeSaysWhereThePbufWasAllocatedAndFreed("), m);
        String twice = assertThrows(IllegalStateException.class, p::free).getMessage();
        assertTrue(twice.startsWith("pbuf freed after it was freed: ") && twice.contains("freed at:\n"), twice);
    }

    @Test
    void theLeakCheckWatchesThisTest() {
        assertTrue(org.lwip4j.buffer.PbufTracker.installed() instanceof LeakDetector);
        assertTrue(LeakDetector.installed().watching().endsWith("[method:theLeakCheckWatchesThisTest()]"),
                LeakDetector.installed().watching());
    }
}
