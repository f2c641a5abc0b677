package org.lwip4j.cli;

import java.util.function.Supplier;
import org.lwip4j.netif.NetifDriver;

/**
 * A device a {@link Platform} opened for a run.
 *
 * @param driver      the netif driver over it (closed with the stack)
 * @param name        the device's name as the kernel reports it
 * @param created     true when this run created the device (it then sets up the host side,
 *                    and the device goes away when the run ends); false when it attached to
 *                    an existing one, whose host side it leaves alone
 * @param driverStats the driver's own counters as text, for the stats printout
 */
public record OpenedDevice(NetifDriver driver, String name, boolean created, Supplier<String> driverStats) {
}
