package org.lwip4j.cli;

import org.lwip4j.addr.IpAddress;
import org.lwip4j.apps.iperf.IperfClient;

/**
 * The services a {@code run} offers and the iperf test it runs: echo (RFC 862), discard
 * (RFC 863), chargen (RFC 864), each on TCP and UDP; the iperf 2 server on TCP 5001; and an
 * iperf 2 client test to a server, after which the run stops.
 *
 * @param echo         echo on TCP and UDP port 7
 * @param discard      discard on TCP and UDP port 9
 * @param chargen      chargen on TCP and UDP port 19
 * @param iperf        the iperf 2 server on TCP port 5001
 * @param iperfServer  where the iperf client test goes, or {@code null} for none
 * @param iperfOptions the client test, when {@code iperfServer} is set
 */
public record Services(boolean echo, boolean discard, boolean chargen, boolean iperf, IpAddress iperfServer,
        IperfClient.Options iperfOptions) {
    /** Checks that a client test has its options. */
    public Services {
        if (iperfServer != null && iperfOptions == null) {
            throw new UsageException("an iperf client test needs its options");
        }
    }

    /**
     * True when a service or the test moves TCP data in bulk (discard, chargen, the iperf
     * server or client): the run's warm-up then exercises TCP as well.
     */
    public boolean bulkTcp() {
        return discard || chargen || iperf || iperfServer != null;
    }

    /** Echo only (the default of {@code run}). */
    public static Services echoOnly() {
        return new Services(true, false, false, false, null, null);
    }

    /** None. */
    public static Services none() {
        return new Services(false, false, false, false, null, null);
    }
}
