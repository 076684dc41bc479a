-- Part of scripts/db/roles.sql (included once per database, inside its transaction): applies the `wanted`
-- grant map of the current database, and fails the run if a table of schema public has no entry in it.
SELECT format('GRANT %s ON TABLE public.%I TO %I', privileges, tbl, role)
  FROM wanted
 WHERE privileges <> '' AND to_regclass(format('public.%I', tbl)) IS NOT NULL
\gexec

-- The sequences behind serial ids, for the roles that insert rows into their tables.
SELECT DISTINCT format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', s.oid::regclass, w.role)
  FROM wanted w
  JOIN pg_depend d
    ON d.refobjid = to_regclass(format('public.%I', w.tbl))
   AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
 WHERE w.privileges LIKE '%INSERT%'
\gexec

-- A table that a migration added and the map does not mention must not stay silently inaccessible.
SELECT format(
         'DO $fail$ BEGIN RAISE EXCEPTION %L; END $fail$',
         format('roles.sql: tables without a grant decision in database %s: %s (add them to scripts/db/roles.sql)',
                current_database(), string_agg(c.relname, ', ' ORDER BY c.relname)))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.tbl = c.relname)
HAVING count(*) > 0
\gexec
