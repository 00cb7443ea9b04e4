-- Every view of schema reporting with its comment (reporting_doc.views).
SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'reporting' AND c.relkind IN ('v', 'm')
 ORDER BY c.relname
