"""Reading attempts: ``audit.file_reading`` counts the ingest attempts that began reading a content of a folder and
never came back from it (the task process was killed, the worker lost, the host out of memory). A content that
ended two attempts is rejected on the third, unread, so that one file cannot stop its folder night after night. A
reading that comes back (with rows or a rejection) clears the count.

Revision ID: 0026
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "CREATE TABLE audit.file_reading ("
        " county_code text NOT NULL,"
        " sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
        " attempts integer NOT NULL CHECK (attempts > 0),"
        " last_run_id text NOT NULL,"
        " last_started_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (county_code, sha256))"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DROP TABLE audit.file_reading")
