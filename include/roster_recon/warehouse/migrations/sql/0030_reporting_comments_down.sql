-- Back to 0029: the reporting views and their columns without comments (0029 had none but the functions').
DO $$
DECLARE
    target record;
BEGIN
    FOR target IN
        SELECT c.oid, c.relname, a.attname
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = 'reporting' AND c.relkind = 'v'
    LOOP
        EXECUTE 'COMMENT ON VIEW reporting.' || quote_ident(target.relname) || ' IS NULL';
        IF target.attname IS NOT NULL THEN
            EXECUTE 'COMMENT ON COLUMN reporting.' || quote_ident(target.relname) || '.' || quote_ident(target.attname)
                || ' IS NULL';
        END IF;
    END LOOP;
END $$;
COMMENT ON FUNCTION reporting.includes_municipal(text[]) IS NULL;
