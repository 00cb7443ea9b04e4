"""staging.branch_presence: who is on a branch's new snapshot without new facts, and empty snapshots.

The contract: an empty roster whose branch is known empties that branch; a current member whose row in the new
snapshot breaks a hard rule stays on the roster with the facts last accepted (found by the row's valid ID number's
key, or, when the ID is what is broken, by a name that matches exactly one current member of the branch). Neither
kind of row may enter ``staging.roster_row`` (no accepted facts), so the snapshot's other half lives here. No raw ID
number: a member key or a name.

Revision ID: 0010
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "CREATE TABLE staging.branch_presence ("
        "  run_id      text NOT NULL,"
        "  file_id     bigint NOT NULL,"
        "  county_code text NOT NULL,"
        "  branch      text NOT NULL,"
        "  member_key  text CHECK (member_key IS NULL OR octet_length(decode(member_key, 'hex')) = 32),"
        "  name        text)"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DROP TABLE staging.branch_presence")
