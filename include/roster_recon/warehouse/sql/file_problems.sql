-- One file's problems, as its feedback workbook lists them (sheet by sheet, when the rows come from several).
SELECT sheet, source_row, member_name, column_name, value_masked, severity, message_zh, message_en
  FROM audit.file_problem
 WHERE file_id = :file_id
 ORDER BY sheet NULLS FIRST, source_row NULLS FIRST, severity
