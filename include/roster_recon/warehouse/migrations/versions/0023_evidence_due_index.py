"""Evidence indexed by day only where its day is still to come when it is loaded.

A piece of evidence dated on or before the as-of date of the run that loads it moves its member's latest evidence in
that run. Only evidence dated after it (``occurred_on > known_on``) waits for a later run's date to come, so only that
evidence needs finding by day; an index of every piece's day cost about 3 s per million pieces inserted (a month of
self-reports at a million members) and served nothing else.

Revision ID: 0023
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP INDEX core.contact_event_by_day;"
        " CREATE INDEX contact_event_due ON core.contact_event (occurred_on) WHERE occurred_on > known_on"
    )


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP INDEX core.contact_event_due; CREATE INDEX contact_event_by_day ON core.contact_event (occurred_on)"
    )
