package dev.tributary.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * The messages a log category writes while this is open, as they would appear in the log (format
 * arguments filled in), for tests that check what an operator reads. Optionally lowers the category's
 * level (e.g. to see debug lines) and restores it on close.
 */
public final class LogLines implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogLines(String category, Level level) {
        this.logger = Logger.getLogger(category);
        this.previousLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        logger.addHandler(handler);
    }

    /** The lines of {@code category} at the level it already has. */
    public static LogLines of(String category) {
        return new LogLines(category, null);
    }

    /** The lines of {@code category} down to debug ({@link Level#FINE}). */
    public static LogLines withDebug(String category) {
        return new LogLines(category, Level.FINE);
    }

    /** What was written so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
    }
}
