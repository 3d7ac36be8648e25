-- Each node id's own credential (issued at its first hello, kept by the worker): only its SHA-256 digest. A node id
-- listed here answers only to a hello carrying that credential, whoever else holds the cluster token. Survives the
-- node being forgotten; an admin revokes it (DELETE /api/nodes/{id}/credential) when a PC is reinstalled.
CREATE TABLE node_credentials (
    node_id         text PRIMARY KEY,
    digest          bytea NOT NULL,
    enrolled_at     timestamptz NOT NULL
);
