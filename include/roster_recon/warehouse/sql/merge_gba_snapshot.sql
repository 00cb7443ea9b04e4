-- Merge one run's staged GBA rosters into core.gba_placement, as of %(as_of)s; inside the merge transaction, before
-- the county snapshot (whose last step settles every file still staged). Each GBA branch present in the run is a
-- full snapshot: the newest staged file for a branch wins, as for county branches.
ANALYZE staging.gba_row;

CREATE TEMP TABLE gba_branch_file ON COMMIT DROP AS
SELECT DISTINCT ON (s.committee_code, s.branch) s.committee_code, s.branch, s.file_id
  FROM (SELECT DISTINCT committee_code, branch, file_id FROM staging.gba_row WHERE run_id = %(run_id)s
        UNION
        SELECT DISTINCT p.county_code, p.branch, p.file_id
          FROM staging.branch_presence p
          JOIN core.gba_committee c ON c.committee_code = p.county_code
         WHERE p.run_id = %(run_id)s) s
  JOIN audit.file f ON f.file_id = s.file_id AND f.status = 'staged'
 ORDER BY s.committee_code, s.branch, f.modified_at DESC, f.file_id DESC;
-- A copy of the branch's current source newer than the run's staged file keeps the branch as it is (no rollback).
DELETE FROM gba_branch_file b
 USING core.branch_source s, audit.file d, audit.file f
 WHERE s.county_code = b.committee_code AND s.branch = b.branch
   AND d.run_id = %(run_id)s AND d.county_code = b.committee_code AND d.status = 'duplicate'
   AND d.duplicate_of = s.file_id
   AND f.file_id = b.file_id AND (d.modified_at, d.file_id) > (f.modified_at, f.file_id);
ANALYZE gba_branch_file;

INSERT INTO core.branch_source (county_code, branch, file_id, as_of)
SELECT committee_code, branch, file_id, %(as_of)s FROM gba_branch_file
    ON CONFLICT (county_code, branch) DO UPDATE SET file_id = excluded.file_id, as_of = excluded.as_of;

-- Placed members the snapshot names only in a row that broke a hard rule keep the placement last accepted, as on
-- a county ledger: by the row's valid ID, or, when the ID is what is broken, by a name that matches exactly one
-- member placed in the branch.
CREATE TEMP TABLE gba_kept ON COMMIT DROP AS
SELECT p.county_code AS committee_code, p.branch, p.member_key
  FROM staging.branch_presence p
  JOIN gba_branch_file b ON b.committee_code = p.county_code AND b.branch = p.branch AND b.file_id = p.file_id
 WHERE p.run_id = %(run_id)s AND p.member_key IS NOT NULL
UNION
SELECT v.committee_code, v.branch, min(v.member_key)
  FROM staging.branch_presence p
  JOIN gba_branch_file b ON b.committee_code = p.county_code AND b.branch = p.branch AND b.file_id = p.file_id
  JOIN core.gba_placement v
    ON v.valid_to IS NULL AND v.id_valid AND v.committee_code = p.county_code AND v.branch = p.branch
   AND v.name = p.name
 WHERE p.run_id = %(run_id)s AND p.member_key IS NULL AND p.name IS NOT NULL
 GROUP BY v.committee_code, v.branch, v.name
HAVING count(*) = 1;

CREATE TEMP TABLE gba_snapshot ON COMMIT DROP AS
SELECT s.*,
       md5(row(s.id_valid, s.name, s.id_masked, s.gender, s.home_county, s.home_county_code, s.home_branch, s.phone,
               s.phone_valid, s.employer, s.placed_on, s.last_activity, s.dues_paid_to)::text) AS facts_hash
  FROM staging.gba_row s
  JOIN gba_branch_file b USING (committee_code, branch, file_id)
 WHERE s.run_id = %(run_id)s;
CREATE INDEX ON gba_snapshot (member_key, committee_code, branch);
ANALYZE gba_snapshot;

-- Close current placements of snapshot branches that left the roster or whose facts changed.
UPDATE core.gba_placement v
   SET valid_to = %(as_of)s
  FROM gba_branch_file b
 WHERE v.valid_to IS NULL
   AND v.committee_code = b.committee_code AND v.branch = b.branch
   AND NOT EXISTS (
        SELECT 1 FROM gba_snapshot s
         WHERE s.member_key = v.member_key AND s.committee_code = v.committee_code AND s.branch = v.branch
           AND s.facts_hash = v.facts_hash)
   AND NOT EXISTS (
        SELECT 1 FROM gba_kept k
         WHERE k.member_key = v.member_key AND k.committee_code = v.committee_code AND k.branch = v.branch
           AND NOT EXISTS (SELECT 1 FROM gba_snapshot s
                            WHERE s.member_key = v.member_key AND s.committee_code = v.committee_code
                              AND s.branch = v.branch));

INSERT INTO core.gba_placement (
    member_key, id_valid, committee_code, branch, name, id_masked, gender, home_county, home_county_code,
    home_branch, phone, phone_valid, phone_national, employer, placed_on, last_activity, dues_paid_to, facts_hash,
    valid_from, source_file_id)
SELECT s.member_key, s.id_valid, s.committee_code, s.branch, s.name, s.id_masked, s.gender, s.home_county,
       s.home_county_code, s.home_branch, s.phone, s.phone_valid, s.phone_national, s.employer, s.placed_on,
       s.last_activity, s.dues_paid_to, s.facts_hash, %(as_of)s, s.file_id
  FROM gba_snapshot s
 WHERE NOT EXISTS (
        SELECT 1 FROM core.gba_placement v
         WHERE v.valid_to IS NULL
           AND v.member_key = s.member_key AND v.committee_code = s.committee_code AND v.branch = s.branch)
 ORDER BY s.member_key, s.committee_code, s.branch;

-- A broken row's candidates belong to the version just opened for it.
INSERT INTO core.gba_candidate (version_id, candidate_key, positions)
SELECT DISTINCT ON (v.version_id, c.candidate_key) v.version_id, c.candidate_key, c.positions
  FROM staging.gba_candidate c
  JOIN gba_snapshot s ON s.file_id = c.file_id AND s.member_key = c.member_key AND NOT s.id_valid
  JOIN core.gba_placement v
    ON v.valid_to IS NULL AND v.valid_from = %(as_of)s AND v.source_file_id = s.file_id
   AND v.member_key = s.member_key AND v.committee_code = s.committee_code AND v.branch = s.branch
 WHERE c.run_id = %(run_id)s
ON CONFLICT DO NOTHING;

-- The run's staged GBA files are loaded, or superseded by a newer file of the run for every branch they hold.
UPDATE audit.file f
   SET status = CASE WHEN EXISTS (SELECT 1 FROM gba_branch_file b WHERE b.file_id = f.file_id)
                     THEN 'loaded' ELSE 'superseded' END,
       rows_loaded = coalesce(n.rows_loaded, 0),
       error = CASE WHEN NOT EXISTS (SELECT 1 FROM gba_branch_file b WHERE b.file_id = f.file_id)
                    THEN 'every branch in this file was replaced by a newer file in the same run'
                         || ' / 本文件的各支部均已被本次收到的更新文件取代' END
  FROM (SELECT file_id FROM audit.file f
          JOIN core.gba_committee c ON c.committee_code = f.county_code
         WHERE f.run_id = %(run_id)s AND f.status = 'staged') staged
  LEFT JOIN (SELECT file_id, count(*) FILTER (WHERE id_valid) AS rows_loaded FROM gba_snapshot GROUP BY file_id) n
         USING (file_id)
 WHERE f.file_id = staged.file_id;

DELETE FROM staging.gba_row WHERE run_id = %(run_id)s;
DELETE FROM staging.gba_candidate WHERE run_id = %(run_id)s;
DELETE FROM staging.branch_presence p USING core.gba_committee c
 WHERE p.run_id = %(run_id)s AND p.county_code = c.committee_code;
