-- delivery/report.py: read_figures
SELECT gba_committee, destination_city, destination_city_code, count(DISTINCT member_key) AS members
FROM report_members
WHERE in_gba
GROUP BY destination_city, destination_city_code, gba_committee
ORDER BY gba_committee, members DESC
