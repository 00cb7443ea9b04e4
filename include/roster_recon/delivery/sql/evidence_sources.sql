-- Evidence of contact by source: pieces held, pieces this run loaded, members whose latest evidence it is.
WITH held AS (
    SELECT source, count(*) AS held FROM core.contact_event GROUP BY source
), this_run AS (
    SELECT e.source, count(*) AS this_run
      FROM core.contact_event e
      JOIN audit.file f USING (file_id)
     WHERE f.run_id = :run_id
     GROUP BY e.source
), latest AS (
    SELECT c.last_contact_source AS source, count(*) AS latest_for
      FROM core.member_contact c
     WHERE EXISTS (SELECT 1 FROM core.member m WHERE m.member_key = c.member_key)  -- not the unmatched reports'
     GROUP BY 1
)
SELECT s.source, coalesce(h.held, 0) AS held, coalesce(r.this_run, 0) AS this_run,
       coalesce(l.latest_for, 0) AS latest_for
  FROM (VALUES (1, 'ledger'), (2, 'gba_activity'), (3, 'dues'), (4, 'self_report'), (5, 'dues_payment')) s (sort, source)
  LEFT JOIN held h USING (source)
  LEFT JOIN this_run r USING (source)
  LEFT JOIN latest l USING (source)
 ORDER BY s.sort
