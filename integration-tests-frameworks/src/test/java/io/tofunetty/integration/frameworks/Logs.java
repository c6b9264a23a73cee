package io.tofunetty.integration.frameworks;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Every log record of INFO and above in this JVM, from the moment the first framework test class loads. Netty, the
 * transport, the adapters, Reactor, Vert.x and gRPC all log through java.util.logging here (no SLF4J or Log4j on the
 * test class path), so one handler on the root logger sees them all.
 */
final class Logs {
    private static final List<LogRecord> RECORDS = new ArrayList<>();
    private static final Handler HANDLER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (RECORDS) {
                RECORDS.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static {
        HANDLER.setLevel(Level.INFO);
        Logger.getLogger("").addHandler(HANDLER);
    }

    private Logs() {
    }

    /** Installs the handler (the first call does; later calls are no-ops). */
    static void capture() {
    }

    /** A mark to pass to {@link #warningsSince}. */
    static int mark() {
        synchronized (RECORDS) {
            return RECORDS.size();
        }
    }

    /** WARNING and SEVERE records logged since {@code mark}, one line each (logger, level, message, thrown). */
    static List<String> warningsSince(int mark) {
        synchronized (RECORDS) {
            return RECORDS.subList(mark, RECORDS.size()).stream()
                    .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(Logs::describe)
                    .collect(Collectors.toList());
        }
    }

    /** Records of any level from {@code loggerName} whose message contains {@code text}, since the JVM started. */
    static long count(String loggerName, String text) {
        synchronized (RECORDS) {
            return RECORDS.stream()
                    .filter(r -> loggerName.equals(r.getLoggerName()))
                    .filter(r -> r.getMessage() != null && r.getMessage().contains(text))
                    .count();
        }
    }

    private static String describe(LogRecord r) {
        return r.getLoggerName() + ' ' + r.getLevel() + ' ' + r.getMessage()
                + (r.getThrown() == null ? "" : " (" + r.getThrown() + ')');
    }
}
