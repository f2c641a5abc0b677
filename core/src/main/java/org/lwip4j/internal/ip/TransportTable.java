package org.lwip4j.internal.ip;

import org.lwip4j.ip.TransportErrorInput;
import org.lwip4j.ip.TransportInput;

/**
 * The transports one IP family hands packets to, keyed by IP protocol number (IPv4's
 * protocol field, IPv6's last next header), as the wire keys them. Registering a number
 * twice is an error, never a silent replace.
 */
public final class TransportTable {
    /** An empty table. */
    public TransportTable() {
    }

    private final TransportInput[] inputs = new TransportInput[256];
    private final TransportErrorInput[] errors = new TransportErrorInput[256];

    /**
     * Registers the transport for {@code protocol}, and where ICMP errors about its packets
     * go ({@code errors} may be {@code null}).
     *
     * @throws IllegalStateException when the number is taken
     */
    public void register(int protocol, TransportInput input, TransportErrorInput errors) {
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol must be 0..255, not " + protocol);
        }
        if (inputs[protocol] != null) {
            throw new IllegalStateException("IP protocol " + protocol + " has a transport already");
        }
        inputs[protocol] = java.util.Objects.requireNonNull(input, "input");
        this.errors[protocol] = errors;
    }

    /** The transport for {@code protocol}, or {@code null}. */
    public TransportInput input(int protocol) {
        return inputs[protocol & 0xff];
    }

    /** Where ICMP errors about {@code protocol}'s packets go, or {@code null}. */
    public TransportErrorInput errors(int protocol) {
        return errors[protocol & 0xff];
    }
}
