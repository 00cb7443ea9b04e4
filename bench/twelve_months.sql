-- make bench: eleven months of self-reports before the benchmark's, for every member known, at the demo's rate
-- (six in ten report in a month, four in ten of those twice), kept like real evidence: one file per month, loaded by a run of
-- that month's end. For measuring what twelve months of evidence cost; nothing else reads them.
INSERT INTO audit.run (run_id, as_of, status, lost_contact_months)
VALUES ('bench-twelve-months', %(as_of)s, 'merged', 6) ON CONFLICT DO NOTHING;
INSERT INTO audit.file (run_id, county_code, file_name, source_path, sha256, size_bytes, modified_at, status)
SELECT 'bench-twelve-months', 'self-reports', format('bench-month-%%s.csv', m), 'bench',
       lpad(to_hex(m), 64, '0'), 0, now(), 'loaded'
  FROM generate_series(1, 11) m;
INSERT INTO core.contact_event (member_key, source, occurred_on, reported_at, file_id, known_on)
SELECT member_key, 'self_report', (at AT TIME ZONE 'Asia/Shanghai')::date, at, file_id, known_on
  FROM (SELECT k.member_key, f.file_id, %(as_of)s::date - 30 * (m - 1) AS known_on,
               %(as_of)s::timestamptz - make_interval(days => 30 * m) + random() * interval '29 days' AS at
          FROM core.member k
         CROSS JOIN generate_series(2, 12) m
          JOIN audit.file f ON f.run_id = 'bench-twelve-months' AND f.file_name = format('bench-month-%%s.csv', m - 1)
         -- How many times the member reported that month (0, 1 or 2), drawn per member and month.
         CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.6 THEN CASE WHEN random() < 0.4 THEN 2 ELSE 1 END ELSE 0 END
                                    + 0 * length(k.member_key) + 0 * m AS times) d
         CROSS JOIN LATERAL generate_series(1, d.times) r) reports
    ON CONFLICT DO NOTHING;
ANALYZE core.contact_event;
