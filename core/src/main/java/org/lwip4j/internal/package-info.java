/**
 * Not API, and not exported by the module {@code org.lwip4j.core}: how the stack's own
 * packages reach what Java cannot make visible to them alone (the JDK's
 * {@code SharedSecrets} pattern). {@link org.lwip4j.internal.Assembly} gives
 * {@code org.lwip4j.Stack} the protocols' package-private constructors, for assembly only;
 * {@link org.lwip4j.internal.IpInfoWriter} is the per-packet {@code IpInfo} the IP families
 * fill. See docs/DESIGN.md "API surface".
 */
package org.lwip4j.internal;
