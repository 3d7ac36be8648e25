-- Loads that offloaded fewer layers than they were asked for: that node gives that model at most `layers` GPU
-- layers while it runs the same llama.cpp backend (`backend`: library and build, as its hello said).
CREATE TABLE layer_caps (
    node_id         text NOT NULL,
    model_id        text NOT NULL,
    layers          integer NOT NULL CHECK (layers >= 0),
    why             text NOT NULL,
    backend         text NOT NULL,
    reported_at     timestamptz NOT NULL,
    PRIMARY KEY (node_id, model_id)
);
