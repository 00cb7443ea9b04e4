-- demo/driver.py: print_both_sides (members per category, each counted once)
SELECT category, count(*) FROM reporting.gba_reconciliation GROUP BY category
