"""audit.follow_up_list.content_sha256: the SHA-256 of a follow-up list's rows as written.

A list is written again only when its rows differ from the latest list's, not whenever a flag of the county was
raised or closed or a file of the county was loaded. Lists written before this revision have no digest (they are
written once more, the first time something may have changed).

Revision ID: 0012
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE audit.follow_up_list ADD COLUMN content_sha256 text")


def downgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE audit.follow_up_list DROP COLUMN content_sha256")
