"""A staged file records how many rows it put into staging (``audit.file.rows_staged``, every staging table
together), so the merge's check that none went missing (staging is unlogged: a server crash empties it) walks the
staging tables the catalog lists, with no list of them, nor any rule of a kind of input, typed into SQL.

Revision ID: 0031
"""

from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE audit.file ADD COLUMN rows_staged integer")
    op.get_bind().exec_driver_sql(
        "COMMENT ON COLUMN audit.file.rows_staged IS"
        " 'Rows the file put into the staging tables, all together (null for files staged before 0031).'"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE audit.file DROP COLUMN rows_staged")
