SELECT file_id, count(*) AS n FROM staging.{table} WHERE run_id = %(run_id)s GROUP BY file_id
