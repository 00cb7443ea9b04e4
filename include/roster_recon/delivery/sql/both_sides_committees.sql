-- 1+7+N: the municipal committee first, then the city committees by code.
SELECT * FROM reporting.gba_committee_summary ORDER BY committee_code <> '440000', committee_code
