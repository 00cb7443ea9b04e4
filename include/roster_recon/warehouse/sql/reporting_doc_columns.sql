-- A view's columns, in order, with their types and comments (reporting_doc.views).
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, col_description(a.attrelid, a.attnum) AS comment
  FROM pg_attribute a
 WHERE a.attrelid = :oid AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum
