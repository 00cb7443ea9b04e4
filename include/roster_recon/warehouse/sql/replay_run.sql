-- The lost-contact months of the last run merged as of %(as_of)s (the date a replay rebuilds).
SELECT lost_contact_months FROM audit.run WHERE as_of = %(as_of)s AND status = 'merged' ORDER BY merged_at DESC LIMIT 1
