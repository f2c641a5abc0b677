package org.lwip4j.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets a test (or every test of a class) end with pbufs outstanding, for a leak that is
 * known and reported but not fixed yet. {@link PbufLeakExtension} then lists the leak as a
 * warning instead of failing the test; on a test method, it fails the test when nothing
 * leaked any more, so the annotation goes when the fix comes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AllowLeaks {
    /** Why the leak is tolerated: the bug and where it is tracked. */
    String value();
}
