package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Round-trip times from the kernel's own {@code ping}, run inside a namespace. */
final class PingRtt {
    /** ping's summary: times in milliseconds. */
    record Result(int sent, int received, double min, double avg, double max, double mdev) {
    }

    private static final Pattern COUNTS = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");

    private PingRtt() {
    }

    /**
     * {@code count} pings of 56 data bytes from namespace {@code ns} to {@code dst}:
     * {@code intervalSeconds} apart, or with {@code intervalSeconds} 0 back to back (ping's
     * adaptive mode {@code -A}: the next request as soon as the reply is in).
     */
    static Result run(String ns, String dst, int count, double intervalSeconds) throws IOException {
        long limit = (long) (count * Math.max(intervalSeconds, 0.01)) + 30;
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns, "ping", "-n", "-q", "-c",
                Integer.toString(count), "-W", "2"));
        if (intervalSeconds > 0) {
            cmd.addAll(List.of("-i", Double.toString(intervalSeconds)));
        } else {
            cmd.add("-A");
        }
        cmd.add(dst);
        Shell.Result r = Shell.run(limit, cmd);
        Matcher c = COUNTS.matcher(r.output());
        Matcher t = RTT.matcher(r.output());
        if (!c.find() || !t.find()) {
            throw new IOException("ping from " + ns + " to " + dst + " gave no summary:\n" + r.output());
        }
        return new Result(Integer.parseInt(c.group(1)), Integer.parseInt(c.group(2)), Double.parseDouble(t.group(1)),
                Double.parseDouble(t.group(2)), Double.parseDouble(t.group(3)), Double.parseDouble(t.group(4)));
    }
}
