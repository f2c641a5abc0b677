/**
 * Small Internet services on the raw TCP and UDP APIs, one class each, for every IP family
 * the stack has: {@link org.lwip4j.apps.Echo} (RFC 862), {@link org.lwip4j.apps.Discard}
 * (RFC 863) and {@link org.lwip4j.apps.Chargen} (RFC 864), on {@link org.lwip4j.apps.InetService}.
 * Everything runs on the stack's loop.
 */
package org.lwip4j.apps;
