package org.lwip4j.cli;

import java.util.concurrent.CompletableFuture;

/** A stop signal a test gives by hand. */
final class ManualStop implements StopSignal {
    final CompletableFuture<Runnable> installed = new CompletableFuture<>();
    volatile boolean released;

    @Override
    public AutoCloseable onStop(Runnable stop) {
        installed.complete(stop);
        return () -> released = true;
    }

    /** Asks the run to stop, as SIGTERM would (from another thread). */
    void fire() {
        Thread.ofPlatform().start(installed.join());
    }
}
