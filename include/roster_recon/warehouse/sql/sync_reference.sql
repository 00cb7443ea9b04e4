-- warehouse/__init__.py: sync_reference
INSERT INTO core.county (county_code, county_name)
VALUES (:code, :name)
ON CONFLICT (county_code) DO UPDATE SET county_name = excluded.county_name
WHERE core.county.county_name IS DISTINCT
FROM excluded.county_name
