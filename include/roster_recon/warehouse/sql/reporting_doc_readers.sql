-- The project's roles that may select from a view, besides its owner; the per-county and per-committee logins
-- collapse to roster_county_<code> and roster_committee_<code> (reporting_doc.views).
SELECT DISTINCT regexp_replace(r.rolname, '_[0-9]{6}$', '_<code>') AS reader
  FROM pg_roles r
 WHERE r.rolname <> :owner AND NOT r.rolsuper AND r.rolname LIKE 'roster\_%'
   AND has_table_privilege(r.oid, :oid, 'SELECT')
 ORDER BY 1
