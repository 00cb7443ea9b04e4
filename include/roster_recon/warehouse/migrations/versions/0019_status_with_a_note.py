"""A contact status with a note is read as written: ``失联（已找回）`` (found again) is not lost.

Earlier versions matched contact statuses like headers, dropping a trailing note, so such a member was stored with
``status_lost`` true and kept a ``lost_contact`` flag. The current versions are read again under the rule now in
force (``reference.status_key``); the next run closes the flags that no longer apply.

Revision ID: 0019
"""

from alembic import op

from roster_recon import reference

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "UPDATE core.roster_version SET status_lost = false"
        " WHERE valid_to IS NULL AND status_lost"
        "   AND NOT lower(regexp_replace(normalize(contact_status, NFKC), '\\s+', '', 'g')) = ANY (%(lost)s)",
        {"lost": sorted(reference.lost_contact_statuses())},
    )


def downgrade() -> None:
    """Nothing to undo: the rows hold what the rule in force says."""
