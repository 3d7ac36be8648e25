-- What a job's answer holds beyond its text: every sampled token with its log probability (when the job asked for
-- logprobs), as a JSON array in OpenAI's shape [{token, logprob, bytes, top_logprobs}], and the calls of tools it
-- made, as [{id, name, arguments}]. Null when there are none.
ALTER TABLE jobs ADD COLUMN result_logprobs jsonb;
ALTER TABLE jobs ADD COLUMN result_tool_calls jsonb;
