"""Alembic environment: migrations run on the connection that ``roster_recon.warehouse.migrate`` hands over."""

from alembic import context

connection = context.config.attributes["connection"]
connection.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS audit")
context.configure(connection=connection, target_metadata=None, version_table_schema="audit")
with context.begin_transaction():
    context.run_migrations()
