/**
 * Not API, and not exported by the module {@code org.lwip4j.core}: the {@code ip} floor's
 * machinery that the families ({@code ipv4}, {@code ipv6}) and the transports ({@code udp},
 * {@code tcp}) share across a package boundary, which users must not reach (Java has no
 * friend access). It sits on the {@code ip} floor, above {@code ip} (whose SPI types it
 * imports: {@code TransportInput}, {@code IpInfo}, {@code ReassemblyState}) and below the
 * families and transports that import it; {@code ip} never imports it.
 * <ul>
 * <li>{@link org.lwip4j.internal.ip.IpInfoWriter}: the per-packet {@code IpInfo} the
 * families fill (its setters are protected in {@code IpInfo});</li>
 * <li>{@link org.lwip4j.internal.ip.Reassembler} with {@code FragmentFormat},
 * {@code FragmentInfo}, {@code FragmentKey}, {@code PartialDatagram},
 * {@code ReassemblyLimits}: reassembly written once for both families; users read it as
 * {@code ReassemblyState};</li>
 * <li>{@link org.lwip4j.internal.ip.GroupMembership} with {@code NetifGroups},
 * {@code Group}, {@code ReportSender}: the multicast host state machine of IGMPv3 and
 * MLDv2; users join through {@code Ip.joinGroup}, a pcb, {@code Igmp} or {@code Mld};</li>
 * <li>{@link org.lwip4j.internal.ip.TransportTable}: one family's transports by protocol
 * number, filled through {@code NetworkProtocol.registerTransport};</li>
 * <li>{@link org.lwip4j.internal.ip.PcbTable}: the transports' hashed pcb demultiplexing;</li>
 * <li>{@link org.lwip4j.internal.ip.IcmpRateLimiter}: the token bucket of ICMPv4 and ICMPv6
 * errors.</li>
 * </ul>
 * See docs/DESIGN.md "API surface".
 */
package org.lwip4j.internal.ip;
