-- intake/settle.py: look
INSERT INTO audit.file_sighting (county_code, file_name, size_bytes, mtime_ns)
VALUES (:county, :name, :size, :mtime)
ON CONFLICT (county_code, file_name) DO UPDATE SET size_bytes = excluded.size_bytes,  mtime_ns = excluded.mtime_ns,  first_seen_at = CASE WHEN (audit.file_sighting.size_bytes, audit.file_sighting.mtime_ns)    = (excluded.size_bytes, excluded.mtime_ns) THEN audit.file_sighting.first_seen_at ELSE now() END
RETURNING extract(epoch
FROM now() - first_seen_at)
