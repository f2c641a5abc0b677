package org.lwip4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sets up the host side of a device the CLI created, with iproute2's {@code ip} (in the
 * device's namespace when it has one): MTU, address, up.
 */
final class HostSide {
    private HostSide() {
    }

    /** MTU (when given), the host address (when given), then up. */
    static void configure(InterfaceSpec spec, String device) throws DeviceException {
        if (spec.mtu() != null) {
            ip(spec.netns(), "link", "set", "dev", device, "mtu", Integer.toString(spec.mtu()));
        }
        if (spec.hostIp4() != null) {
            ip(spec.netns(), "addr", "replace", spec.hostIp4().toString(), "dev", device);
        }
        ip(spec.netns(), "link", "set", "dev", device, "up");
    }

    /** Runs {@code ip [-n NS] ARGS}; a failure is a {@link DeviceException} with ip's own message. */
    static void ip(String netns, String... args) throws DeviceException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        if (netns != null) {
            cmd.add("-n");
            cmd.add(netns);
        }
        cmd.addAll(List.of(args));
        String line = String.join(" ", cmd);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output;
            try (var in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DeviceException("setting up the host side: '" + line + "' did not finish within 10 s");
            }
            if (p.exitValue() != 0) {
                throw new DeviceException("setting up the host side: '" + line + "' failed: " + output);
            }
        } catch (IOException e) {
            throw new DeviceException("setting up the host side needs iproute2's 'ip' command on the PATH: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("interrupted while running '" + line + "'", e);
        }
    }
}
