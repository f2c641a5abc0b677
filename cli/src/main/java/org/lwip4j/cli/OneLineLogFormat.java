package org.lwip4j.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the command prints the library's {@link System.Logger} records (which go to
 * {@code java.util.logging}): one line each on stderr, like the command's own messages,
 * {@code lwip4j: WARNING reading tap0 failed: ...}, instead of java.util.logging's two-line
 * format with a date and the class. A thrown exception adds its own message, not a stack trace.
 */
final class OneLineLogFormat extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder("lwip4j: ").append(r.getLevel().getName()).append(' ').append(formatMessage(r));
        Throwable t = r.getThrown();
        if (t != null) {
            sb.append(" (").append(t).append(')');
        }
        return sb.append(System.lineSeparator()).toString();
    }

    /**
     * Replaces the root logger's handlers with one writing this format to stderr. Called once
     * by {@link Main#main}; a {@code java.util.logging.config.file} given on the command line wins.
     */
    static void install() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new OneLineLogFormat());
        root.addHandler(h);
    }
}
