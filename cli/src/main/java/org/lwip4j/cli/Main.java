package org.lwip4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code lwip4j} command: {@code lwip4j run [OPTIONS]} starts a stack on TAP/TUN
 * devices; {@code lwip4j --help} lists the commands. Run it through the {@code ./lwip4j}
 * launcher at the repository root, which builds the jar on first use.
 */
@Command(name = "lwip4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        usageHelpWidth = 100,
        description = {"A TCP/IP stack for the JVM in the spirit of lwIP, on real TAP/TUN devices."},
        footer = {"", "Start with:  lwip4j run     (TAP lwip0, stack 192.168.7.2/24; then: ping 192.168.7.2)",
            "Help:        lwip4j help run"},
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    private Main() {
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try: lwip4j run)");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        OneLineLogFormat.install();
        int code = commandLine(new TuntapPlatform(), new ProcessSignals()).execute(args);
        System.exit(code);
    }

    /** The command line with its subcommands over {@code platform}, stopped by {@code stop}. */
    public static CommandLine commandLine(Platform platform, StopSignal stop) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("run", new RunCommand(platform, stop));
        cl.addSubcommand("train", new TrainCommand());
        cl.setParameterExceptionHandler(Main::badArguments);
        return cl;
    }

    /** Runs {@code args} with the given output streams; returns the exit code (for tests). */
    static int execute(Platform platform, StopSignal stop, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(platform, stop);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /**
     * A bad command line: {@code lwip4j: REASON}, the command's synopsis, where to find the
     * full help; exit code 2.
     */
    private static int badArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("lwip4j: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.print(cmd.getHelp().fullSynopsis());
        String name = cmd.getCommandSpec().qualifiedName();
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lwip4j " + (v != null ? v : "(development build)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
