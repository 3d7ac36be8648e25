package io.rigpool.planner.nodes;

import java.sql.SQLException;
import org.jboss.logging.Logger;

/** Writes to PostgreSQL that must not stop the fleet loop: the in-memory fleet stays authoritative. */
final class Persist {

    private static final Logger LOG = Logger.getLogger(Persist.class);

    interface StoreAction {
        void run() throws SQLException;
    }

    private Persist() {
    }

    /** Runs the write; when PostgreSQL is down the history just misses a line, and the log says so. */
    static void quietly(StoreAction action) {
        try {
            action.run();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("could not store planner state: %s", e.getMessage());
        }
    }
}
