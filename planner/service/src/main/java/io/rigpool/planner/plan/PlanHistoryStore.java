package io.rigpool.planner.plan;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads the plan history the fleet loop writes to {@code planner.plans}. */
@ApplicationScoped
public class PlanHistoryStore {

    private final DataSource dataSource;

    PlanHistoryStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The latest {@code limit} re-plans, newest first, each with what it changed. */
    public List<PlanHistory.Entry> latest(int limit) throws SQLException {
        List<PlanHistory.StoredPlan> plans = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT plan_version, created_at, trigger, assignments::text, details::text FROM planner.plans"
                        + " ORDER BY plan_version DESC LIMIT ?")) {
            s.setInt(1, limit + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plans.add(new PlanHistory.StoredPlan(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                            rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return PlanHistory.of(plans, limit);
    }
}
