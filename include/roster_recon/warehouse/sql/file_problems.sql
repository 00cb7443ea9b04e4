-- One file's problems, as its feedback workbook lists them.
SELECT source_row, member_name, column_name, value_masked, severity, message_zh, message_en
  FROM audit.file_problem
 WHERE file_id = :file_id
 ORDER BY source_row NULLS FIRST, severity
