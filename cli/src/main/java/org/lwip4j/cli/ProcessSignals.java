package org.lwip4j.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Stops a run on SIGINT or SIGTERM (handled, so the command can finish its clean-up and exit
 * with 0), and on any other JVM shutdown (a shutdown hook, as a last resort).
 */
public final class ProcessSignals implements StopSignal {
    /** Signals that ask the command to stop. */
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    @Override
    public AutoCloseable onStop(Runnable stop) {
        List<Runnable> undo = new ArrayList<>();
        for (String name : SIGNALS) {
            Signal sig = new Signal(name);
            SignalHandler previous = Signal.handle(sig, s -> stop.run());
            undo.add(() -> Signal.handle(sig, previous));
        }
        Thread hook = Thread.ofPlatform().name("lwip4j-shutdown").unstarted(stop);
        Runtime.getRuntime().addShutdownHook(hook);
        undo.add(() -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is shutting down: the hook runs (or ran) anyway.
            }
        });
        return () -> undo.forEach(Runnable::run);
    }
}
