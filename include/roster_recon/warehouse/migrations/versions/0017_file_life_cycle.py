"""The file life cycle's faults: duplicates by current snapshot, ``superseded``, the key fingerprint.

- ``audit.file`` may hold ``superseded`` (every branch of the file replaced by a newer file of the same run), and
  loses the unique index that let a content be loaded once ever: a county that re-sends an earlier roster has gone
  back to it, and one empty template saved under two branch names is two empty branches.
- ``core.branch_source``: which file gave each branch its current snapshot; a file is a duplicate only when its
  content is that file's for every branch it covers.
- ``audit.key_fingerprint``: an HMAC of a fixed label under the member-key secret, so a run or a worker with another
  key stops before it writes anything.
- ``reporting.file_audit`` lists superseded files too.

Revision ID: 0017
"""

from pathlib import Path

from alembic import op

from roster_recon import warehouse

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"

FILE_AUDIT = """
SELECT f.county_code, f.file_name, f.sha256, f.received_at, f.status,
       f.rows_read, f.rows_loaded, f.rows_rejected, f.error,
       f.run_id, r.as_of, f.archived_to, f.feedback_path
  FROM audit.file f
  JOIN audit.run r USING (run_id)
 WHERE f.status IN ('loaded', 'duplicate', 'superseded', 'rejected')"""


def upgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql((SQL / "0017_file_life_cycle.sql").read_text(encoding="utf-8"))
    warehouse.replace_view(bind, "reporting.file_audit", FILE_AUDIT)


def downgrade() -> None:
    bind = op.get_bind()
    warehouse.replace_view(bind, "reporting.file_audit", FILE_AUDIT.replace("'superseded', ", ""))
    bind.exec_driver_sql(
        "DROP TABLE audit.key_fingerprint; DROP TABLE core.branch_source;"
        " UPDATE audit.file SET status = 'loaded' WHERE status = 'superseded';"
        " ALTER TABLE audit.file DROP CONSTRAINT file_status_check;"
        " ALTER TABLE audit.file ADD CONSTRAINT file_status_check"
        "  CHECK (status IN ('staged', 'loaded', 'duplicate', 'rejected', 'abandoned'))"
    )
