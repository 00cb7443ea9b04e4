-- warehouse/ledger.py: validation_documents
SELECT asset_name, run_name, run_time, result
FROM audit.validation_document
WHERE run_id = :r
ORDER BY county_code, asset_name
