package io.rigpool.gateway.auth;

import io.agroal.api.AgroalDataSource;
import io.rigpool.gateway.database.JdbcTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code api_keys} table. */
@ApplicationScoped
public class ApiKeyStore {

    /** Serialises first starts of several gateways, so only one of them makes the bootstrap admin key. */
    private static final long BOOTSTRAP_LOCK = 0x72_69_67_70_6f_6f_6cL;
    private static final String COLUMNS = """
            id, name, role, key_hash, key_prefix, rate_per_second, burst, max_concurrent_jobs, created_at,
            revoked_at""";
    private static final String ACTIVE_BY_HASH = "SELECT " + COLUMNS
            + " FROM gateway.api_keys WHERE key_hash = ? AND revoked_at IS NULL LIMIT 1";
    private static final String ALL = "SELECT " + COLUMNS + " FROM gateway.api_keys ORDER BY created_at, id";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM gateway.api_keys WHERE id = ?";
    private static final String REVOKE = """
            UPDATE gateway.api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL""";
    private static final String INSERT = """
            INSERT INTO gateway.api_keys (id, name, role, key_hash, key_prefix, rate_per_second, burst,
                                          max_concurrent_jobs, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String HASH_EXISTS = "SELECT 1 FROM gateway.api_keys WHERE key_hash = ?";
    private static final String ACTIVE_ADMIN_EXISTS = """
            SELECT 1 FROM gateway.api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1""";

    private final AgroalDataSource dataSource;

    ApiKeyStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<ApiKeyRow> findActive(byte[] keyHash) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(ACTIVE_BY_HASH)) {
                query.setBytes(1, keyHash);
                return rows(query).stream().findFirst();
            }
        });
    }

    /** Stores a key's hash; the key itself is the caller's to hand out. */
    public ApiKeyRow create(NewApiKey request, String key) {
        return JdbcTransaction.call(dataSource, connection -> insert(connection, request, key));
    }

    public List<ApiKeyRow> all() {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement query = connection.prepareStatement(ALL)) {
                return rows(query);
            }
        });
    }

    /** Marks a key revoked; returns it, or empty when there is no such key. Revoking twice keeps the first time. */
    public Optional<ApiKeyRow> revoke(UUID id) {
        return JdbcTransaction.call(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement(REVOKE)) {
                update.setObject(1, timestamp(now()));
                update.setObject(2, id);
                update.executeUpdate();
            }
            try (PreparedStatement query = connection.prepareStatement(BY_ID)) {
                query.setObject(1, id);
                return rows(query).stream().findFirst();
            }
        });
    }

    /**
     * Stores {@code key} as an admin key unless a key has its hash already: the configured bootstrap key, on every
     * start. Returns whether it was stored now.
     */
    public boolean ensureAdminKey(String name, String key) {
        return JdbcTransaction.call(dataSource, connection -> {
            lockBootstrap(connection);
            try (PreparedStatement query = connection.prepareStatement(HASH_EXISTS)) {
                query.setBytes(1, ApiKeySecrets.hash(key));
                if (exists(query)) {
                    return false;
                }
            }
            insert(connection, new NewApiKey(name, Role.ADMIN, null, null, null), key);
            return true;
        });
    }

    /** Stores {@code key} as an admin key only if there is no active admin key at all; returns whether it did. */
    public boolean createFirstAdminKey(String name, String key) {
        return JdbcTransaction.call(dataSource, connection -> {
            lockBootstrap(connection);
            try (PreparedStatement query = connection.prepareStatement(ACTIVE_ADMIN_EXISTS)) {
                if (exists(query)) {
                    return false;
                }
            }
            insert(connection, new NewApiKey(name, Role.ADMIN, null, null, null), key);
            return true;
        });
    }

    /** Held until the transaction ends, so the check and the insert after it are one step for other gateways. */
    private static void lockBootstrap(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, BOOTSTRAP_LOCK);
            lock.executeQuery().close();
        }
    }

    private static ApiKeyRow insert(Connection connection, NewApiKey request, String key) throws SQLException {
        ApiKeyRow row = new ApiKeyRow(UUID.randomUUID(), request.name(), request.role().wireName(),
                ApiKeySecrets.hash(key), ApiKeySecrets.shownPart(key), request.ratePerSecond(), request.burst(),
                request.maxConcurrentJobs(), now(), null);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, row.id());
            insert.setString(2, row.name());
            insert.setString(3, row.role());
            insert.setBytes(4, row.keyHash());
            insert.setString(5, row.keyPrefix());
            insert.setObject(6, row.ratePerSecond(), Types.DOUBLE);
            insert.setObject(7, row.burst(), Types.INTEGER);
            insert.setObject(8, row.maxConcurrentJobs(), Types.INTEGER);
            insert.setObject(9, timestamp(row.createdAt()));
            insert.executeUpdate();
        }
        return row;
    }

    private static boolean exists(PreparedStatement query) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            return rows.next();
        }
    }

    private static List<ApiKeyRow> rows(PreparedStatement query) throws SQLException {
        List<ApiKeyRow> keys = new ArrayList<>();
        try (ResultSet row = query.executeQuery()) {
            while (row.next()) {
                keys.add(new ApiKeyRow(
                        row.getObject("id", UUID.class),
                        row.getString("name"),
                        row.getString("role"),
                        row.getBytes("key_hash"),
                        row.getString("key_prefix"),
                        row.getObject("rate_per_second", Double.class),
                        row.getObject("burst", Integer.class),
                        row.getObject("max_concurrent_jobs", Integer.class),
                        instant(row, "created_at"),
                        instant(row, "revoked_at")));
            }
        }
        return keys;
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime timestamp(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
