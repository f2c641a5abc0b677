package org.lwip4j.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lwip4j train} (hidden): the training run the launcher records the JDK's AOT cache
 * from (JEP 483/514/515): a {@link Warmup} of a few seconds, with no device of the host, so
 * that the cache holds the classes and method profiles of the stack's hot paths: pings and
 * UDP echoes, through a stand-in TAP device and on a simulated link, and TCP (a stream through
 * the stand-in device; simulated sessions with the run's iperf, echo, discard and chargen
 * services). Exit code 0 when every path got its answers and every TCP connection closed
 * cleanly, 1 otherwise (the launcher then keeps no cache).
 */
@Command(name = "train", hidden = true, usageHelpWidth = 100,
        description = {"Exercises the stack's hot paths on a simulated link for the JDK's AOT cache (used by the launcher)."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "4", description = "How long to train (default 4).")
    private double seconds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() {
        if (!(seconds >= 0) || seconds > 600) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds needs 0 to 600, not " + seconds);
        }
        Warmup.Result r = Warmup.run(Duration.ofMillis((long) (seconds * 1000)), Long.MAX_VALUE);
        PrintWriter out = spec.commandLine().getOut();
        out.println("lwip4j train: " + r);
        out.flush();
        return r.answered() ? 0 : 1;
    }
}
