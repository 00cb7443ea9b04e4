-- One file's outcome in the ledger (the file's rows, problems and validation results refer to its file_id).
INSERT INTO audit.file (run_id, county_code, file_name, source_path, sha256, size_bytes, modified_at,
                        status, rows_read, rows_rejected, error, duplicate_of, rows_staged)
VALUES (:run_id, :county_code, :file_name, :source_path, :sha256, :size_bytes, :modified_at,
        :status, :rows_read, :rows_rejected, :error, :duplicate_of, :rows_staged)
RETURNING file_id
