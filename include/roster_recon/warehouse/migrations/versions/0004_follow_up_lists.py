"""audit.follow_up_list: which follow-up workbook was written for a county, as of when, with how many members.

``finish`` writes a county's follow-up list again only when something in it can have changed since the last one
(a file of the county was loaded, or one of its flags was raised or closed), instead of on every run. The county's
newest flag id and number of open flags when the list was written tell the second apart.

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "CREATE TABLE audit.follow_up_list ("
        "  list_id     bigserial PRIMARY KEY,"
        "  county_code text NOT NULL,"
        "  as_of       date NOT NULL,"
        "  run_id      text NOT NULL REFERENCES audit.run,"
        "  path        text NOT NULL,"
        "  members     integer NOT NULL CHECK (members >= 0),"
        "  last_flag_id bigint NOT NULL,"
        "  open_flags  integer NOT NULL,"
        "  written_at  timestamptz NOT NULL DEFAULT now());"
        " CREATE INDEX follow_up_list_latest ON audit.follow_up_list (county_code, as_of DESC, list_id DESC);"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DROP TABLE audit.follow_up_list")
