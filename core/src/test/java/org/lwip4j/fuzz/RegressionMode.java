package org.lwip4j.fuzz;

/**
 * Keeps plain {@code mvn test} fast: when Jazzer only replays seeds (regression mode,
 * {@code JAZZER_FUZZ} unset), its method hooks (comparison tracing for the fuzzer's
 * guidance, and sanitizers for injection bugs a packet parser cannot have) are not loaded.
 * They cost about 12 s of class instrumentation per test JVM and find nothing when the
 * inputs are fixed. Fuzzing for real keeps them. An explicit {@code -Djazzer.hooks=...}
 * wins. Call {@link #configure()} from a {@code @BeforeAll} of every fuzz test class: it
 * runs before Jazzer reads its options, which happens once per JVM.
 */
public final class RegressionMode {
    private RegressionMode() {
    }

    /** Turns Jazzer's hooks off unless fuzzing or told otherwise. */
    public static void configure() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        if ((fuzz == null || fuzz.isEmpty()) && System.getProperty("jazzer.hooks") == null) {
            System.setProperty("jazzer.hooks", "false");
        }
    }
}
