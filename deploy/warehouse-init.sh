#!/usr/bin/env bash
# Run once by the warehouse container's entrypoint (/docker-entrypoint-initdb.d) on an empty data volume: the
# pipeline's role, which is no superuser, and its database. The pipeline's migrations create the reader roles.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v password="$WAREHOUSE_PASSWORD" <<'SQL'
CREATE ROLE roster_loader LOGIN CREATEROLE PASSWORD :'password';
CREATE DATABASE roster_warehouse OWNER roster_loader;
SQL
