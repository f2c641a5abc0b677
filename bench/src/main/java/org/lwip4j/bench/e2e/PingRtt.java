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

    /** {@code count} pings of 56 data bytes, {@code intervalSeconds} apart, from namespace {@code ns} to {@code dst}. */
    static Result run(String ns, String dst, int count, double intervalSeconds) throws IOException {
        long limit = (long) (count * intervalSeconds) + 30;
        Shell.Result r = Shell.run(limit, List.of("ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", Integer.toString(count),
                "-i", Double.toString(intervalSeconds), "-W", "2", dst));
        Matcher c = COUNTS.matcher(r.output());
        Matcher t = RTT.matcher(r.output());
        if (!c.find() || !t.find()) {
            throw new IOException("ping from " + ns + " to " + dst + " gave no summary:\n" + r.output());
        }
        return new Result(Integer.parseInt(c.group(1)), Integer.parseInt(c.group(2)), Double.parseDouble(t.group(1)),
                Double.parseDouble(t.group(2)), Double.parseDouble(t.group(3)), Double.parseDouble(t.group(4)));
    }
}
