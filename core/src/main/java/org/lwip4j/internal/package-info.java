/**
 * Not API, and not exported by the module {@code org.lwip4j.core}: what the stack's own
 * packages must share across a package boundary but users must not reach.
 * {@link org.lwip4j.internal.IpInfoWriter} is the per-packet {@code IpInfo} the IP families
 * fill (its setters are protected in {@code IpInfo}). It sits on the {@code ip} floor: it
 * imports {@code ip}, {@code netif} and {@code buffer}, and {@code ipv4}/{@code ipv6} import
 * it. See docs/DESIGN.md "API surface".
 */
package org.lwip4j.internal;
