/**
 * An iperf 2 compatible TCP server and client (lwIP's lwiperf): the 24-byte iperf 2 client
 * header ({@link org.lwip4j.apps.iperf.IperfHeader}) with its dual and tradeoff tests, a
 * {@link org.lwip4j.apps.iperf.IperfResult} for every finished stream. The server also reads
 * iperf 2.1's header extension and answers its reverse ({@code -R}) and full-duplex
 * ({@code --full-duplex}) tests on the client's own connection. The Linux {@code iperf} (2.x)
 * talks to both ends.
 */
package org.lwip4j.apps.iperf;
