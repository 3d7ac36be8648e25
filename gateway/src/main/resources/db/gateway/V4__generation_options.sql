-- Penalties, logit bias and response format of a job, as GenerationOptions in JSON. Null for jobs stored before
-- these options existed: they asked for none, and are republished without any.
ALTER TABLE jobs ADD COLUMN generation_options jsonb;
