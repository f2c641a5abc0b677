package org.lwip4j.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the setup commands and the ping of the harness (each with a time limit; killed by handle if it overstays). */
final class Shell {
    /** A finished command. */
    record Result(int exit, String output) {
    }

    private Shell() {
    }

    /** Runs {@code command} for at most {@code seconds}; stdout and stderr together. */
    static Result run(long seconds, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (var in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish within " + seconds + " s");
            }
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot read the output of " + command, e);
        }
    }

    /** Runs {@code command} (10 s at most) and fails unless it exits with 0. */
    static String check(String... command) throws IOException {
        Result r = run(10, List.of(command));
        if (r.exit() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' failed (" + r.exit() + "): " + r.output().strip());
        }
        return r.output();
    }
}
