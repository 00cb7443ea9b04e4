"""``reporting.county_summary`` counted from the tables instead of twice through ``reporting.member_current``.

Same columns, same figures: members and branches from the current roster versions in one pass, and the flag counts
from the open flags of current roster entries only (a tenth of the rows). The old definition read the whole
``member_current`` view twice, each time joining every member and sorting a million rows on disk: 3.7 s of every
run's report at a million members, against 2.3 s now. ``tests/warehouse/test_merge.py`` holds the view equal to the
per-member aggregation over ``member_current`` that it replaces.

Revision ID: 0015
"""

from alembic import op

from roster_recon import warehouse

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_MISSING = "'missing_outflow_time', 'missing_destination', 'missing_contact', 'missing_industry'"

_LAST_RUN_AND_FILES = """
       (SELECT max(f.received_at) FROM audit.file f
         WHERE f.county_code = c.county_code AND f.status = 'loaded') AS last_file_loaded_at,
       (SELECT count(*) FROM audit.file f JOIN last_run USING (run_id)
         WHERE f.county_code = c.county_code AND f.status = 'rejected') AS files_rejected_last_run"""

_LAST_RUN = (
    "last_run AS (SELECT run_id FROM audit.run WHERE status = 'merged' ORDER BY as_of DESC, merged_at DESC LIMIT 1)"
)

FROM_TABLES = f"""
WITH current_entries AS (
    SELECT county_code, count(DISTINCT member_key) AS members, count(DISTINCT branch) AS branches
      FROM core.roster_version
     WHERE valid_to IS NULL
     GROUP BY county_code
), flagged_members AS (
    SELECT f.county_code,
           bool_or(f.flag IN ({_MISSING})) AS missing_outflow_data,
           bool_or(f.flag = 'lost_contact') AS lost_contact,
           bool_or(f.flag = 'duplicate_enrollment') AS duplicate_enrollment
      FROM core.member_flag f
      JOIN core.roster_version v
        ON v.valid_to IS NULL AND v.member_key = f.member_key AND v.county_code = f.county_code AND v.branch = f.branch
     WHERE f.closed_on IS NULL
     GROUP BY f.county_code, f.member_key
), flag_counts AS (
    SELECT county_code,
           count(*) FILTER (WHERE missing_outflow_data) AS missing_outflow_data,
           count(*) FILTER (WHERE lost_contact) AS lost_contact,
           count(*) FILTER (WHERE duplicate_enrollment) AS duplicate_enrollment
      FROM flagged_members
     GROUP BY county_code
), {_LAST_RUN}
SELECT c.county_code,
       c.county_name,
       coalesce(e.branches, 0) AS branches,
       coalesce(e.members, 0) AS members,
       coalesce(e.members, 0) - coalesce(fc.missing_outflow_data, 0) AS members_complete,
       round(100.0 * (e.members - coalesce(fc.missing_outflow_data, 0)) / nullif(e.members, 0), 1)
           AS completeness_pct,
       coalesce(fc.missing_outflow_data, 0) AS missing_outflow_data,
       coalesce(fc.lost_contact, 0) AS lost_contact,
       coalesce(fc.duplicate_enrollment, 0) AS duplicate_enrollment,{_LAST_RUN_AND_FILES}
  FROM core.county c
  LEFT JOIN current_entries e USING (county_code)
  LEFT JOIN flag_counts fc USING (county_code)
"""

# The definition of migration 0001, for downgrade.
THROUGH_MEMBER_CURRENT = f"""
WITH per_member AS (
    SELECT county_code,
           member_key,
           bool_or(flags && ARRAY[{_MISSING}]) AS missing_outflow_data,
           bool_or('lost_contact' = ANY (flags)) AS lost_contact,
           bool_or('duplicate_enrollment' = ANY (flags)) AS duplicate_enrollment
      FROM reporting.member_current
     GROUP BY county_code, member_key
), branches AS (
    SELECT county_code, count(DISTINCT branch) AS branches
      FROM reporting.member_current
     GROUP BY county_code
), {_LAST_RUN}
SELECT c.county_code,
       c.county_name,
       coalesce(b.branches, 0) AS branches,
       count(pm.member_key) AS members,
       count(pm.member_key) FILTER (WHERE NOT pm.missing_outflow_data) AS members_complete,
       round(100.0 * count(pm.member_key) FILTER (WHERE NOT pm.missing_outflow_data)
             / nullif(count(pm.member_key), 0), 1) AS completeness_pct,
       count(pm.member_key) FILTER (WHERE pm.missing_outflow_data) AS missing_outflow_data,
       count(pm.member_key) FILTER (WHERE pm.lost_contact) AS lost_contact,
       count(pm.member_key) FILTER (WHERE pm.duplicate_enrollment) AS duplicate_enrollment,{_LAST_RUN_AND_FILES}
  FROM core.county c
  LEFT JOIN per_member pm USING (county_code)
  LEFT JOIN branches b USING (county_code)
 GROUP BY c.county_code, c.county_name, b.branches
"""


def upgrade() -> None:
    warehouse.replace_view(op.get_bind(), "reporting.county_summary", FROM_TABLES)


def downgrade() -> None:
    warehouse.replace_view(op.get_bind(), "reporting.county_summary", THROUGH_MEMBER_CURRENT)
