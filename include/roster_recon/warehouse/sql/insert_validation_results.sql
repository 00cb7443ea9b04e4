-- Each GX rule's verdict on one file (counts only: no row value).
INSERT INTO audit.validation_result (run_id, file_id, expectation, column_name, severity, success,
                                     element_count, unexpected_count, unexpected_percent)
VALUES (:run_id, :file_id, :rule, :column, :severity, :success,
        :element_count, :unexpected_count, :unexpected_percent)
