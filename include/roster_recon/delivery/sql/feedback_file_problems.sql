-- delivery/feedback.py: file_problems
SELECT source_row, member_name, column_name, value_masked, severity, message_zh, message_en
FROM audit.file_problem
WHERE file_id = :id
ORDER BY source_row NULLS FIRST, severity
