"""A problem names its sheet: in a workbook with a sheet per branch, row 5 is on every sheet, so
``audit.file_problem.sheet`` holds the sheet the row is on (when the rows come from several sheets, and for a sheet
left unread), and the feedback workbook shows it beside the row.

Revision ID: 0029
"""

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE audit.file_problem ADD COLUMN sheet text")


def downgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE audit.file_problem DROP COLUMN sheet")
