-- Both sides of every member, as of %(as_of)s: one category per member, recomputed from the warehouse every run
-- (a rerun of the same date changes nothing); a member whose category changes closes one spell and opens another.

-- The ledger side: one current entry per member, a GBA entry first (a member on several ledgers is reconciled
-- once, by this entry), with the committee its destination city expects: the city's own committee, else the
-- municipal one (by code: a committee's name may be corrected in the reference data, its city code not).
CREATE TEMP TABLE ledger_side ON COMMIT DROP AS
SELECT DISTINCT ON (v.member_key)
       v.member_key, v.name, m.id_number_masked AS id_masked, v.county_code, v.branch, v.destination_city,
       v.destination_city_code, coalesce(v.in_gba, false) AS in_gba,
       CASE WHEN v.in_gba THEN coalesce(g.committee_code, %(municipal)s) END AS expected_committee,
       v.phone, v.phone_national
  FROM core.roster_version v
  JOIN core.member m USING (member_key)
  LEFT JOIN core.gba_committee g ON g.committee_code = v.destination_city_code
 WHERE v.valid_to IS NULL
 ORDER BY v.member_key, coalesce(v.in_gba, false) DESC, v.county_code, v.branch;
CREATE INDEX ON ledger_side (member_key);
ANALYZE ledger_side;

-- The GBA side: every current placement with a valid ID, per member.
CREATE TEMP TABLE gba_side ON COMMIT DROP AS
SELECT member_key, count(*) AS placements,
       array_agg(DISTINCT committee_code ORDER BY committee_code) AS committees,
       (array_agg(committee_code ORDER BY committee_code, branch))[1] AS committee_code,
       (array_agg(branch ORDER BY committee_code, branch))[1] AS branch,
       string_agg(committee_code || ' ' || branch, '; ' ORDER BY committee_code, branch) AS placement_list,
       (array_agg(name ORDER BY committee_code, branch))[1] AS name,
       (array_agg(id_masked ORDER BY committee_code, branch))[1] AS id_masked,
       (array_agg(home_county_code ORDER BY committee_code, branch))[1] AS home_county_code,
       (array_agg(home_branch ORDER BY committee_code, branch))[1] AS home_branch,
       (array_agg(phone ORDER BY committee_code, branch) FILTER (WHERE phone_valid))[1] AS phone,
       (array_agg(phone_national ORDER BY committee_code, branch) FILTER (WHERE phone_valid))[1] AS phone_national
  FROM core.gba_placement
 WHERE valid_to IS NULL AND id_valid
 GROUP BY member_key;
CREATE INDEX ON gba_side (member_key);
ANALYZE gba_side;

-- Probable matches: a current broken-ID row with exactly one candidate that is a current ledger member of the same
-- name (one suggestion per member: the first such row).
CREATE TEMP TABLE probable ON COMMIT DROP AS
SELECT DISTINCT ON (member_key) *
  FROM (SELECT min(c.candidate_key) AS member_key, p.version_id, p.committee_code, p.branch, p.name, p.phone,
               p.phone_national, p.home_county_code, p.home_branch, p.id_masked, min(c.positions) AS positions
          FROM core.gba_placement p
          JOIN core.gba_candidate c USING (version_id)
          JOIN ledger_side l ON l.member_key = c.candidate_key AND l.name = p.name
         WHERE p.valid_to IS NULL AND NOT p.id_valid
         GROUP BY p.version_id
        HAVING count(DISTINCT c.candidate_key) = 1) one
 ORDER BY member_key, committee_code, branch;

-- Committees that have sent a roster (a branch snapshot loaded): the others are awaited, not missing members.
CREATE TEMP TABLE committee_heard ON COMMIT DROP AS
SELECT DISTINCT county_code AS committee_code
  FROM core.branch_source s JOIN core.gba_committee g ON g.committee_code = s.county_code;

CREATE TEMP TABLE wanted_category ON COMMIT DROP AS
WITH members AS (
    SELECT member_key FROM ledger_side WHERE in_gba
    UNION SELECT member_key FROM gba_side
    UNION SELECT member_key FROM probable
)
SELECT k.member_key,
       CASE WHEN g.placements >= 2 THEN 'placed_twice'
            WHEN g.member_key IS NOT NULL AND l.member_key IS NULL THEN 'not_on_ledger'
            WHEN g.member_key IS NOT NULL AND l.expected_committee = g.committee_code THEN 'matched'
            WHEN g.member_key IS NOT NULL THEN 'city_differs'
            WHEN p.member_key IS NOT NULL THEN 'probable_match'
            WHEN h.committee_code IS NOT NULL THEN 'not_placed'
            ELSE 'awaiting_roster'
       END AS category,
       coalesce(l.name, g.name, p.name) AS name,
       coalesce(l.id_masked, g.id_masked, p.id_masked) AS id_masked,
       coalesce(l.county_code, g.home_county_code, p.home_county_code) AS home_county_code,
       coalesce(l.branch, g.home_branch, p.home_branch) AS home_branch,
       l.destination_city AS ledger_city, l.destination_city_code AS ledger_city_code,
       CASE WHEN l.in_gba THEN l.expected_committee END AS expected_committee,
       coalesce(g.committee_code, p.committee_code) AS gba_committee,
       coalesce(g.branch, p.branch) AS gba_branch,
       coalesce(g.placement_list, p.committee_code || ' ' || p.branch) AS gba_placements,
       ARRAY(SELECT DISTINCT c FROM unnest(
           coalesce(g.committees, '{}') || ARRAY[CASE WHEN l.in_gba THEN l.expected_committee END, p.committee_code]
       ) c WHERE c IS NOT NULL ORDER BY c) AS committees,
       CASE WHEN g.member_key IS NOT NULL AND l.member_key IS NOT NULL THEN array_remove(ARRAY[
           CASE WHEN g.phone_national <> l.phone_national THEN 'phone' END,
           CASE WHEN g.home_county_code <> l.county_code THEN 'home_county' END,
           CASE WHEN g.home_branch <> l.branch THEN 'home_branch' END], NULL)
            ELSE '{}' END AS differences,
       p.positions AS probable_positions,
       coalesce(g.phone, p.phone, l.phone) AS phone,
       coalesce(g.phone_national, p.phone_national, l.phone_national) AS phone_national,
       e.last_contact_on AS last_contact_date, e.last_contact_source
  FROM members k
  LEFT JOIN ledger_side l USING (member_key)
  LEFT JOIN gba_side g USING (member_key)
  LEFT JOIN probable p USING (member_key)
  LEFT JOIN committee_heard h ON h.committee_code = l.expected_committee
  -- The latest evidence from every source (warehouse/contact.py, refreshed earlier in the merge).
  LEFT JOIN core.member_contact e USING (member_key);
CREATE INDEX ON wanted_category (member_key);
ANALYZE wanted_category;

UPDATE core.gba_reconciliation r
   SET closed_on = %(as_of)s, closed_by_run = %(run_id)s
 WHERE r.closed_on IS NULL
   AND NOT EXISTS (SELECT 1 FROM wanted_category w WHERE w.member_key = r.member_key AND w.category = r.category);

-- A spell that goes on with other details: what the flags read of it until today is kept, so that the replay of an
-- earlier date reads the details of that date (a member who moved branch keeps the flag on the old branch then).
INSERT INTO core.gba_reconciliation_earlier (member_key, category, valid_from, valid_to, home_county_code, home_branch,
                                             expected_committee, gba_placements, ledger_city)
SELECT r.member_key, r.category, coalesce(r.details_since, r.since), %(as_of)s, r.home_county_code, r.home_branch,
       r.expected_committee, r.gba_placements, r.ledger_city
  FROM core.gba_reconciliation r
  JOIN wanted_category w ON w.member_key = r.member_key AND w.category = r.category
 WHERE r.closed_on IS NULL AND coalesce(r.details_since, r.since) < %(as_of)s
   AND (r.home_county_code, r.home_branch, r.expected_committee, r.gba_placements, r.ledger_city)
       IS DISTINCT FROM (w.home_county_code, w.home_branch, w.expected_committee, w.gba_placements, w.ledger_city);

UPDATE core.gba_reconciliation r
   SET details_since = CASE WHEN (r.home_county_code, r.home_branch, r.expected_committee, r.gba_placements,
                                  r.ledger_city)
                                 IS DISTINCT FROM (w.home_county_code, w.home_branch, w.expected_committee,
                                                   w.gba_placements, w.ledger_city)
                            THEN %(as_of)s ELSE r.details_since END,
       name = w.name, id_masked = w.id_masked, home_county_code = w.home_county_code, home_branch = w.home_branch,
       ledger_city = w.ledger_city, ledger_city_code = w.ledger_city_code, expected_committee = w.expected_committee,
       gba_committee = w.gba_committee, gba_branch = w.gba_branch, gba_placements = w.gba_placements,
       committees = w.committees,
       differences = w.differences, probable_positions = w.probable_positions, phone = w.phone,
       phone_national = w.phone_national, last_contact_date = w.last_contact_date,
       last_contact_source = w.last_contact_source
  FROM wanted_category w
 WHERE r.closed_on IS NULL AND w.member_key = r.member_key AND w.category = r.category
   AND (r.name, r.id_masked, r.home_county_code, r.home_branch, r.ledger_city, r.expected_committee,
        r.gba_committee, r.gba_branch, r.gba_placements, r.committees, r.differences, r.probable_positions,
        r.phone, r.last_contact_date, r.last_contact_source)
       IS DISTINCT FROM
       (w.name, w.id_masked, w.home_county_code, w.home_branch, w.ledger_city, w.expected_committee,
        w.gba_committee, w.gba_branch, w.gba_placements, w.committees, w.differences, w.probable_positions,
        w.phone, w.last_contact_date, w.last_contact_source);

INSERT INTO core.gba_reconciliation (
    member_key, category, since, since_run, name, id_masked, home_county_code, home_branch, ledger_city,
    ledger_city_code, expected_committee, gba_committee, gba_branch, gba_placements, committees, differences,
    probable_positions, phone, phone_national, last_contact_date, last_contact_source)
SELECT w.member_key, w.category, %(as_of)s, %(run_id)s, w.name, w.id_masked, w.home_county_code, w.home_branch,
       w.ledger_city, w.ledger_city_code, w.expected_committee, w.gba_committee, w.gba_branch, w.gba_placements,
       w.committees,
       w.differences, w.probable_positions, w.phone, w.phone_national, w.last_contact_date, w.last_contact_source
  FROM wanted_category w
 WHERE NOT EXISTS (SELECT 1 FROM core.gba_reconciliation r WHERE r.closed_on IS NULL AND r.member_key = w.member_key);
