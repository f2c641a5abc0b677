/**
 * Fuzz tests (Jazzer through JUnit 5) and the reusable pieces for writing more.
 *
 * <h2>The pattern</h2>
 * <ol>
 *   <li>Put what must hold for a parser on <em>any</em> bytes in one static method (as in
 *       {@link org.lwip4j.fuzz.WireInvariants}): check/parse never throw, refusals agree
 *       between view and Repr, a passed check keeps every accessor inside the bytes,
 *       parse&nbsp;→&nbsp;emit&nbsp;→&nbsp;parse is the identity. Return whether the input was
 *       accepted.</li>
 *   <li>Lay fuzzer bytes out with {@link org.lwip4j.fuzz.FuzzInput}: at an offset, in a
 *       read-only segment that ends where the bytes end, so an out-of-bounds read or a
 *       stray write throws.</li>
 *   <li>Call the invariant from a {@code @FuzzTest} method taking {@code byte[]} (or a
 *       {@code FuzzedDataProvider} for text), and from a seeded property test that mutates
 *       real captures with {@link org.lwip4j.fuzz.Mutator} and insists enough inputs were
 *       accepted, so plain {@code mvn test} exercises the deep paths deterministically.</li>
 *   <li>Seeds (and every crash Jazzer finds, which it writes there itself) live in
 *       {@code src/test/resources/org/lwip4j/fuzz/<Class>Inputs/<method>/}; each file is one
 *       input, replayed by every {@code mvn test}. A crash also becomes a named unit test
 *       next to the parser.</li>
 * </ol>
 *
 * <h2>Running</h2>
 * Regression mode (default, every {@code mvn test}): each fuzz test runs on its seeds only.
 * To fuzz one test for real (coverage-guided, one test per run):
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl core test -Dtest=WireFuzzTest#frame -Djazzer.max_duration=10m
 * </pre>
 * Findings are written to the test's inputs directory above and fail the run; the
 * generated corpus goes to {@code core/.cifuzz-corpus/} (git-ignored).
 */
package org.lwip4j.fuzz;
