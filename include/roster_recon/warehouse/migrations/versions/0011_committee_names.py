"""GBA committees by the names the municipality uses: ``宜春市驻<city>流动党员党委`` and the municipal committee
``宜春市驻粤港澳大湾区流动党员党委`` (earlier versions wrote ``…流动党员委员会`` and ``宜春市驻大湾区…``).

A correction of a name, not a change in any member's facts, so stored versions are renamed in place (the facts hash
does not include the committee, and no version is opened or closed by it).

Revision ID: 0011
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

RENAME = (
    "UPDATE {table} SET gba_committee = CASE"
    " WHEN gba_committee = '宜春市驻大湾区流动党员委员会' THEN '宜春市驻粤港澳大湾区流动党员党委'"
    " ELSE replace(gba_committee, '流动党员委员会', '流动党员党委') END"
    " WHERE gba_committee LIKE '%流动党员委员会'"
)


def upgrade() -> None:
    for table in ("core.roster_version", "staging.roster_row"):
        op.get_bind().exec_driver_sql(RENAME.format(table=table).replace("%", "%%"))  # no bind parameters


def downgrade() -> None:
    pass  # the old names were wrong; nothing to go back to
