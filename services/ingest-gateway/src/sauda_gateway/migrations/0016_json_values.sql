-- The message log's history and error, and the notices' details, were written as JSON text
-- inside a jsonb string ("[{\"status\": …}]") rather than as the JSON value itself. They are
-- written as values now; this unwraps the rows written before, so SQL can read them as JSON.
UPDATE wa_messages SET history = (history #>> '{}')::jsonb WHERE jsonb_typeof(history) = 'string';
UPDATE wa_messages SET error = (error #>> '{}')::jsonb WHERE jsonb_typeof(error) = 'string';
UPDATE notices SET details = (details #>> '{}')::jsonb WHERE jsonb_typeof(details) = 'string';
