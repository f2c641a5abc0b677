package org.lwip4j.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs real programs for the interop tests: each with a time limit (an upper bound so a
 * test fails instead of hanging), its output collected, and the process (and its children)
 * killed by handle if it overstays. Nothing here kills processes it did not start.
 */
final class Cmd {
    /** What a finished program left. */
    record Result(List<String> command, int exit, String output) {
        /** True for exit code 0. */
        boolean ok() {
            return exit == 0;
        }

        /** Throws with the command and its output unless the exit code is 0. */
        Result check() {
            if (exit != 0) {
                throw new AssertionError("'" + String.join(" ", command) + "' exited with " + exit + ":\n" + output);
            }
            return this;
        }

        @Override
        public String toString() {
            return "$ " + String.join(" ", command) + " -> " + exit + "\n" + output;
        }
    }

    private Cmd() {
    }

    /** Runs {@code command} to its end (at most {@code limit}); stdout and stderr together. */
    static Result run(Duration limit, List<String> command) {
        return run(limit, command, null);
    }

    /** As {@link #run(Duration, List)}, feeding {@code stdin} to the program. */
    static Result run(Duration limit, List<String> command, byte[] stdin) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        try {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // The program may exit without reading its input.
            }
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                String partial = out.getNow("");
                throw new AssertionError("'" + String.join(" ", command) + "' did not finish within " + limit
                        + "; killed. Output so far:\n" + partial);
            }
            return new Result(List.copyOf(command), p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read the output of " + command, e);
        }
    }

    /** Runs {@code command} with a 30 s limit. */
    static Result run(String... command) {
        return run(Duration.ofSeconds(30), List.of(command));
    }

    /** Runs {@code command} and fails unless it exits with 0. */
    static Result check(String... command) {
        return run(command).check();
    }

    /** Starts {@code command} in the background; its output is read line by line. */
    static Background start(List<String> command) {
        try {
            return new Background(List.copyOf(command), new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** A program running in the background; closing it kills it if it still runs. */
    static final class Background implements AutoCloseable {
        private static final String EOF = new String("end of output");

        private final List<String> command;
        private final Process process;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer all = new StringBuffer();
        private final CountDownLatch drained = new CountDownLatch(1);

        private Background(List<String> command, Process process) {
            this.command = command;
            this.process = process;
            Thread.ofPlatform().daemon().name("interop-lines").start(() -> {
                try (var r = process.inputReader(StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        all.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // The process was killed.
                } finally {
                    lines.add(EOF);
                    drained.countDown();
                }
            });
        }

        /** The process. */
        Process process() {
            return process;
        }

        /** Waits (at most {@code limit}) for an output line that satisfies {@code wanted}; fails otherwise. */
        String awaitLine(Predicate<String> wanted, Duration limit) {
            long deadline = System.nanoTime() + limit.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                    if (line == null) {
                        throw new AssertionError("no expected line from '" + String.join(" ", command) + "' within " + limit
                                + "; output so far:\n" + all);
                    }
                    if (line == EOF) {
                        lines.add(EOF);
                        throw new AssertionError("'" + String.join(" ", command) + "' ended without the expected line; output:\n" + all);
                    }
                    if (wanted.test(line)) {
                        return line;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** Waits (at most {@code limit}) for the program to end. */
        Result finish(Duration limit) {
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(process);
                    throw new AssertionError("'" + String.join(" ", command) + "' did not end within " + limit + "; output:\n" + all);
                }
                drained.await(5, TimeUnit.SECONDS);
                return new Result(command, process.exitValue(), all.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /**
         * Sends {@code signal} ({@code TERM}, {@code INT}, ...) to the program with kill(1).
         * ({@link Process#destroy()} would send SIGTERM too, but it also closes our end of the
         * program's output, and what the program prints while it stops would be lost.)
         */
        void signal(String signal) {
            check("kill", "-" + signal, Long.toString(process.pid()));
        }

        /** Everything printed so far. */
        String output() {
            return all.toString();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                kill(process);
            }
        }
    }

    /** Collects a stream in the background. */
    static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("interop-output").start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("(output unreadable: " + e + ")");
            }
        });
        return f;
    }

    /** Kills a process we started, and the processes it started. */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
