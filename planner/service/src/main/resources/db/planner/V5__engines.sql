-- Engines (issue 15): a runner of a mixture-of-experts model on llama-server keeps the experts of its first
-- n_cpu_moe layers in RAM. A measurement is keyed by it too (its buffers differ), and the assignments say which
-- engine runs the runner ('' = java-llama, as before engines) and n_cpu_moe.

ALTER TABLE measured_buffers ADD COLUMN n_cpu_moe integer NOT NULL DEFAULT 0;
ALTER TABLE measured_buffers DROP CONSTRAINT measured_buffers_pkey;
ALTER TABLE measured_buffers ADD PRIMARY KEY (model_id, n_gpu_layers, n_cpu_moe, n_ctx, parallel_slots, cache_type_k,
    cache_type_v, flash_attention, n_batch, n_ubatch, mmap);

ALTER TABLE assignments ADD COLUMN engine text NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN n_cpu_moe integer NOT NULL DEFAULT 0;
