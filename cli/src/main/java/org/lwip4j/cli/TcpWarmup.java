package org.lwip4j.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.Stack;
import org.lwip4j.addr.IpAddress;
import org.lwip4j.apps.Chargen;
import org.lwip4j.apps.Discard;
import org.lwip4j.apps.Echo;
import org.lwip4j.apps.iperf.IperfClient;
import org.lwip4j.apps.iperf.IperfMode;
import org.lwip4j.apps.iperf.IperfResult;
import org.lwip4j.apps.iperf.IperfServer;
import org.lwip4j.buffer.Pbuf;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.Simulator;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.Err;
import org.lwip4j.stack.StackConfig;
import org.lwip4j.tcp.TcpPcb;
import org.lwip4j.tcp.TcpState;

/**
 * The TCP part of the warm-up: simulated sessions between two throwaway stacks on a
 * {@link Simulator} (virtual time, one {@link VirtualLink}), the answering one made as
 * {@code lwip4j run} makes its stack and offering the run's TCP services from module
 * {@code apps}: echo (RFC 862), discard (RFC 863), chargen (RFC 864) and the iperf 2 server.
 * The peer, per session: an iperf 2 tradeoff test ({@code iperf -r}: a bulk stream to the
 * stack, then one from it back to the peer's listener; the kernel's {@code iperf -c} to a
 * fresh {@code lwip4j run --iperf} takes the first half of that path), and one connection
 * each to echo (data there and back, then a close), discard (data there, then a close) and
 * chargen (data back; a half-close, RFC 9293 §3.6, which the service answers with its own
 * FIN). Every connection opens with the three-way handshake and ends with FINs both ways
 * (RFC 9293 §3.5, §3.6), TIME_WAIT included (virtual time: it costs nothing).
 *
 * <p>What the JIT and the AOT cache learn from it: TCP input and output, the send and
 * receive buffers, the ACK and window-update logic, the timers of an open connection and
 * the pcb table's lookups, as the first {@code iperf} against a fresh process needs them.
 */
final class TcpWarmup {
    /** Port of the peer's listener for the answering stream of the tradeoff test. */
    static final int PEER_LISTEN_PORT = 5002;
    /** Bytes through echo (there and back), discard (there) and chargen (back, at least), per session. */
    static final int ECHO_BYTES = 48 * 1024;
    static final int DISCARD_BYTES = 128 * 1024;
    static final int CHARGEN_BYTES = 64 * 1024;
    /** Virtual time a session may take, at most (a stuck session is a failed warm-up, not a hung one). */
    private static final Duration SESSION_LIMIT = Duration.ofMinutes(10);
    private static final Ip4Interface PEER = Ip4Interface.parse("10.99.1.1/24");
    private static final Ip4Interface SELF = Ip4Interface.parse("10.99.1.2/24");

    /**
     * What the TCP sessions did.
     *
     * @param sessions      sessions run
     * @param connections   connections opened by the peer (the tradeoff test's answering stream included)
     * @param closedCleanly of those, the ones that ended with FINs both ways, every byte there, no error and no pcb left
     * @param bytesIn       bytes the stack received (iperf, echo and discard)
     * @param bytesOut      bytes the stack sent and the peer received intact (iperf's answer, the echo, chargen)
     */
    record Result(long sessions, long connections, long closedCleanly, long bytesIn, long bytesOut) {
        static final Result NONE = new Result(0, 0, 0, 0, 0);

        Result plus(Result o) {
            return new Result(sessions + o.sessions, connections + o.connections, closedCleanly + o.closedCleanly,
                    bytesIn + o.bytesIn, bytesOut + o.bytesOut);
        }

        /** True when sessions ran and every connection of them closed cleanly. */
        boolean clean() {
            return sessions > 0 && connections > 0 && closedCleanly == connections;
        }
    }

    private TcpWarmup() {
    }

    /** One session, seeded by {@code n}, its iperf streams {@code iperfBytes} each way. */
    static Result session(long n, int iperfBytes) {
        Simulator sim = new Simulator(n + 1);
        VirtualLink link = new VirtualLink(sim, Impairments.NONE);
        Stack peer = Warmup.stack(sim, StackConfig.builder().randomSeed(sim.nextStackSeed()).build(),
                Warmup.Forwarding.of(link.endpointA(), (int) n), PEER);
        Stack self = Warmup.stack(sim, StackConfig.defaults(), Warmup.Forwarding.of(link.endpointB(), (int) n + 1), SELF);
        List<AutoCloseable> services = new ArrayList<>();
        try {
            List<IperfResult> served = new ArrayList<>();
            services.add(Echo.start(self));
            services.add(Discard.start(self));
            services.add(Chargen.start(self));
            services.add(IperfServer.start(self, served::add));

            IpAddress dst = SELF.address();
            IperfClient iperf = IperfClient.start(peer, dst,
                    IperfClient.Options.bytes(iperfBytes).withMode(IperfMode.TRADEOFF).withListenPort(PEER_LISTEN_PORT));
            Client echo = new Client(peer, dst, Echo.PORT, ECHO_BYTES, ECHO_BYTES, true);
            Client discard = new Client(peer, dst, Discard.PORT, DISCARD_BYTES, 0, false);
            Client chargen = new Client(peer, dst, Chargen.PORT, 0, CHARGEN_BYTES, false);
            List<Client> clients = List.of(echo, discard, chargen);
            sim.runUntil(() -> Warmup.stopped()
                    || iperf.results().isDone() && served.size() == 2 && clients.stream().allMatch(Client::ended), SESSION_LIMIT);
            // TIME_WAIT (2 MSL) and the last ACKs: until neither stack holds a connection.
            sim.runUntil(() -> Warmup.stopped() || connections(peer) == 0 && connections(self) == 0, SESSION_LIMIT);

            boolean noneLeft = connections(peer) == 0 && connections(self) == 0;
            long clean = 0;
            long in = echo.sent + discard.sent;
            long out = echo.received + chargen.received;
            for (Client c : clients) {
                clean += noneLeft && c.clean() ? 1 : 0;
            }
            List<IperfResult> mine = iperf.results().getNow(List.of());
            for (IperfResult r : mine) {
                clean += noneLeft && r.done() && r.bytes() == iperfBytes ? 1 : 0;
                if (r.done() && r.kind() == IperfResult.Kind.SERVER_DONE) {
                    out += r.bytes();
                }
            }
            for (IperfResult r : served) {
                if (r.done() && r.kind() == IperfResult.Kind.SERVER_DONE) {
                    in += r.bytes();
                }
            }
            return new Result(1, clients.size() + 2, clean, in, out);
        } finally {
            for (AutoCloseable s : services) {
                try {
                    s.close();
                } catch (Exception e) {
                    // A throwaway stack: closed below whatever its services did.
                }
            }
            peer.close();
            self.close();
        }
    }

    /** Connections (not listeners) a stack holds, in any state. */
    private static int connections(Stack s) {
        int n = 0;
        for (TcpPcb p : s.tcp().pcbs()) {
            n += p.state() == TcpState.LISTEN ? 0 : 1;
        }
        return n;
    }

    /**
     * One connection of the peer: writes {@code toSend} bytes (a pattern), reads at least
     * {@code toReceive}, checking them against the pattern when {@code echoed}; then closes
     * (echo, discard) or half-closes and waits for the service's FIN (chargen: data still
     * arriving after a full close would be answered with a reset, RFC 9293 §3.6.1).
     */
    private static final class Client {
        private final TcpPcb pcb;
        private final int toSend;
        private final int toReceive;
        private final boolean echoed;
        private final int port;
        long sent;
        long received;
        private boolean intact = true;
        private boolean closing;
        private boolean closed;
        private boolean finReceived;
        private Err error;

        Client(Stack s, IpAddress dst, int port, int toSend, int toReceive, boolean echoed) {
            this.port = port;
            this.toSend = toSend;
            this.toReceive = toReceive;
            this.echoed = echoed;
            pcb = s.newTcpPcb();
            pcb.onRecv(this::recv);
            pcb.onSent((p, n) -> pump());
            pcb.onErr(e -> error = e);
            Err e = pcb.connect(dst, port, p -> pump());
            if (e != Err.OK) {
                error = e;
                pcb.close();
            }
        }

        private void pump() {
            byte[] chunk = Warmup.PATTERN;
            while (sent < toSend && !closing) {
                int n = (int) Math.min(Math.min(pcb.sndbuf(), toSend - sent), chunk.length - (sent % chunk.length));
                if (n <= 0 || pcb.write(chunk, (int) (sent % chunk.length), n, TcpPcb.WRITE_COPY) != Err.OK) {
                    return;
                }
                sent += n;
            }
            maybeClose();
        }

        private void recv(TcpPcb p, Pbuf data) {
            if (data == null) {
                finReceived = true;
                closing = true;
                if (!closed) {
                    close();
                }
                return;
            }
            int n = data.totalLength();
            if (echoed) {
                byte[] chunk = Warmup.PATTERN;
                for (int i = 0; i < n; i++) {
                    intact &= (byte) data.getByte(i) == chunk[(int) ((received + i) % chunk.length)];
                }
            }
            received += n;
            data.free();
            p.recved(n);
            maybeClose();
        }

        private void maybeClose() {
            if (closing || error != null || sent < toSend || received < toReceive) {
                return;
            }
            closing = true;
            if (port == Chargen.PORT) {
                pcb.shutdown(false, true); // our FIN; chargen answers with its own
            } else {
                close();
            }
        }

        private void close() {
            closed = true;
            if (pcb.close() != Err.OK) {
                pcb.abort();
                error = Err.ABRT;
            }
        }

        boolean ended() {
            return error != null || closed;
        }

        boolean clean() {
            return error == null && closed && intact && sent == toSend && received >= toReceive
                    && (!echoed || received == toSend) && (port != Chargen.PORT || finReceived);
        }
    }
}
