-- Least-privilege PostgreSQL roles for Twinstream: one owner (the migrator) and one login role per service,
-- each granted only the tables its code touches. Idempotent: run it as a superuser (or a role with CREATEROLE
-- that owns both databases) before the first `twin migrate` AND again after every `twin migrate`:
--
--   psql "postgresql://postgres@db:5432/postgres" -v ON_ERROR_STOP=1 \
--     -v twin_db=twin -v analytics_db=analytics \
--     -v migrator_password=… -v processor_password=… -v projector_password=… \
--     -v api_password=… -v notifier_password=… -v jobs_password=… \
--     -f scripts/db/roles.sql
--
-- Optional: -v role_prefix=twinstream (roles are <prefix>_migrator, <prefix>_processor, …).
--
-- Grants are explicit per table, re-applied on every run (and every run first revokes what a role holds, so a
-- privilege removed here disappears there too). A table that a later migration adds and this script does not
-- list makes the run FAIL ("tables without a grant decision"), so a new table never silently stays
-- inaccessible: add it to the map below (with an empty privilege list if no service may touch it).
\set ON_ERROR_STOP on

\if :{?role_prefix}
\else
  \set role_prefix twinstream
\endif
\if :{?twin_db}
\else
  \set twin_db twin
\endif
\if :{?analytics_db}
\else
  \set analytics_db analytics
\endif
\if :{?migrator_password}
\else
  \warn 'roles.sql: set -v migrator_password=… (and processor_, projector_, api_, notifier_, jobs_password)'
  SELECT 1/0 AS missing_password_variable;
\endif
\if :{?processor_password}
\else
  \warn 'roles.sql: set -v processor_password=…'
  SELECT 1/0 AS missing_password_variable;
\endif
\if :{?projector_password}
\else
  \warn 'roles.sql: set -v projector_password=…'
  SELECT 1/0 AS missing_password_variable;
\endif
\if :{?api_password}
\else
  \warn 'roles.sql: set -v api_password=…'
  SELECT 1/0 AS missing_password_variable;
\endif
\if :{?notifier_password}
\else
  \warn 'roles.sql: set -v notifier_password=…'
  SELECT 1/0 AS missing_password_variable;
\endif
\if :{?jobs_password}
\else
  \warn 'roles.sql: set -v jobs_password=…'
  SELECT 1/0 AS missing_password_variable;
\endif

\set migrator :role_prefix _migrator
\set processor :role_prefix _processor
\set projector :role_prefix _projector
\set api :role_prefix _api
\set notifier :role_prefix _notifier
\set jobs :role_prefix _jobs

-- Roles are cluster-wide: create the missing ones, then (re)set their attributes and passwords.
SELECT format('CREATE ROLE %I', name)
  FROM (VALUES (:'migrator'), (:'processor'), (:'projector'), (:'api'), (:'notifier'), (:'jobs')) AS r(name)
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name)
\gexec
ALTER ROLE :"migrator" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'migrator_password';
ALTER ROLE :"processor" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'processor_password';
ALTER ROLE :"projector" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'projector_password';
ALTER ROLE :"api" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'api_password';
ALTER ROLE :"notifier" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'notifier_password';
ALTER ROLE :"jobs" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'jobs_password';

-- ─── twin database ───────────────────────────────────────────────────────────────────────────────────────────
\connect :"twin_db"
BEGIN;
REVOKE ALL ON DATABASE :"twin_db" FROM PUBLIC;
-- CREATE on the database: drizzle keeps its journal in its own schema (`drizzle`), created by the migrator.
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"twin_db" TO :"migrator";
-- Only the roles whose code uses this database may connect to it (not the projector nor the notifier).
GRANT CONNECT ON DATABASE :"twin_db" TO :"processor", :"api", :"jobs";
REVOKE CONNECT ON DATABASE :"twin_db" FROM :"projector", :"notifier";

ALTER SCHEMA public OWNER TO :"migrator";
REVOKE ALL ON SCHEMA public FROM PUBLIC; -- includes CREATE: nobody but the owner creates objects
GRANT USAGE ON SCHEMA public TO :"processor", :"api", :"jobs";
-- Objects made before this script ran (migrated as a superuser) change hands; owned sequences follow.
SELECT format('ALTER SCHEMA %I OWNER TO %I', nspname, :'migrator')
  FROM pg_namespace WHERE nspname = 'drizzle' AND nspowner <> (SELECT oid FROM pg_roles WHERE rolname = :'migrator')
\gexec
SELECT format('ALTER TABLE %s OWNER TO %I', c.oid::regclass, :'migrator')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = :'migrator')
\gexec

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"processor", :"projector", :"api", :"notifier", :"jobs";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"processor", :"projector", :"api", :"notifier", :"jobs";

CREATE TEMPORARY TABLE wanted (role name, tbl name, privileges text) ON COMMIT DROP;
INSERT INTO wanted VALUES
  -- twin processor: src/db/repositories/{checkpoints,snapshots,anomaly-rows}.ts, src/processor/machine-configs.ts
  (:'processor', 'processor_checkpoints', 'SELECT, INSERT, UPDATE'),
  (:'processor', 'state_snapshots', 'SELECT, INSERT, DELETE'),
  (:'processor', 'anomaly_history', 'SELECT, INSERT'),
  (:'processor', 'machine_configurations', 'SELECT'),
  -- twin api: src/api/routes/machine-types.ts (configurations are versioned: new rows, never updates)
  (:'api', 'machine_configurations', 'SELECT, INSERT'),
  -- jobs (retention; report and train use the analytics database only): src/retention/{statements,watermarks}.ts
  -- (UPDATE: the batches lock their rows with FOR UPDATE … SKIP LOCKED)
  (:'jobs', 'anomaly_history', 'SELECT, UPDATE, DELETE'),
  (:'jobs', 'anomaly_history_archive', 'SELECT, INSERT'),
  (:'jobs', 'state_snapshots', 'SELECT, UPDATE, DELETE'),
  (:'jobs', 'processor_checkpoints', 'SELECT');
\ir roles-apply.sql
COMMIT;

-- ─── analytics database ──────────────────────────────────────────────────────────────────────────────────────
\connect :"analytics_db"
BEGIN;
REVOKE ALL ON DATABASE :"analytics_db" FROM PUBLIC;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"analytics_db" TO :"migrator";
GRANT CONNECT ON DATABASE :"analytics_db" TO :"processor", :"projector", :"api", :"notifier", :"jobs";

ALTER SCHEMA public OWNER TO :"migrator";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"processor", :"projector", :"api", :"notifier", :"jobs";
SELECT format('ALTER SCHEMA %I OWNER TO %I', nspname, :'migrator')
  FROM pg_namespace WHERE nspname = 'drizzle' AND nspowner <> (SELECT oid FROM pg_roles WHERE rolname = :'migrator')
\gexec
SELECT format('ALTER TABLE %s OWNER TO %I', c.oid::regclass, :'migrator')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = :'migrator')
\gexec

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"processor", :"projector", :"api", :"notifier", :"jobs";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"processor", :"projector", :"api", :"notifier", :"jobs";

CREATE TEMPORARY TABLE wanted (role name, tbl name, privileges text) ON COMMIT DROP;
INSERT INTO wanted VALUES
  -- twin processor: src/db/repositories/anomaly-rows.ts, src/ml/model-store.ts (loadActiveModels)
  (:'processor', 'anomaly_records', 'SELECT, INSERT'),
  (:'processor', 'ml_models', 'SELECT'),
  -- projector: src/projector/{event,window,partition}-projection.ts, src/db/repositories/{alerts,machine-twins,
  -- performance-windows,projector-checkpoints}.ts; TRUNCATE for `twin projector --rebuild` (resetProjection)
  (:'projector', 'alerts', 'SELECT, INSERT, UPDATE, TRUNCATE'),
  (:'projector', 'alerts_archive', 'SELECT, TRUNCATE'),
  (:'projector', 'alert_actions', 'SELECT, INSERT'), -- unshelveExpired records 'unshelve' actions
  (:'projector', 'projector_positions', 'SELECT, INSERT, UPDATE, TRUNCATE'),
  (:'projector', 'projector_checkpoints', 'SELECT, INSERT, UPDATE, DELETE'),
  (:'projector', 'performance_metrics', 'SELECT, INSERT, UPDATE, TRUNCATE'),
  (:'projector', 'performance_metrics_archive', 'TRUNCATE'),
  (:'projector', 'performance_windows', 'SELECT, INSERT, UPDATE, TRUNCATE'),
  (:'projector', 'performance_rollups', 'SELECT, INSERT, UPDATE, TRUNCATE'),
  (:'projector', 'machine_twins', 'SELECT, INSERT, UPDATE, TRUNCATE'),
  (:'projector', 'ml_models', 'SELECT'),
  -- api: src/api/routes/*.ts; an operator's action (src/alerts/alert-actions.ts) locks the alert FOR UPDATE,
  -- records the action, upserts the alert and the machine's projector position in one transaction
  (:'api', 'alerts', 'SELECT, INSERT, UPDATE'),
  (:'api', 'alert_actions', 'SELECT, INSERT'),
  (:'api', 'anomaly_records', 'SELECT'),
  (:'api', 'machine_twins', 'SELECT'),
  (:'api', 'performance_metrics', 'SELECT'),
  (:'api', 'projector_positions', 'SELECT, INSERT, UPDATE'),
  -- notifier: src/notifications/store.ts
  (:'notifier', 'alerts', 'SELECT'),
  (:'notifier', 'machine_twins', 'SELECT'),
  (:'notifier', 'notification_outbox', 'SELECT, INSERT, UPDATE'),
  (:'notifier', 'notification_route_states', 'SELECT, INSERT, UPDATE, DELETE'),
  (:'notifier', 'notification_logs', 'SELECT, INSERT'),
  -- jobs: report (src/reports), train (src/ml/model-store.ts), retention (src/retention)
  (:'jobs', 'alerts', 'SELECT, UPDATE, DELETE'),
  (:'jobs', 'anomaly_records', 'SELECT, UPDATE, DELETE'),
  (:'jobs', 'machine_twins', 'SELECT'),
  (:'jobs', 'performance_metrics', 'SELECT, UPDATE, DELETE'),
  (:'jobs', 'performance_windows', 'SELECT, UPDATE, DELETE'),
  (:'jobs', 'notification_logs', 'SELECT, UPDATE, DELETE'),
  (:'jobs', 'maintenance_reports', 'SELECT, INSERT, UPDATE, DELETE'),
  (:'jobs', 'ml_models', 'SELECT, INSERT, UPDATE'),
  (:'jobs', 'projector_checkpoints', 'SELECT'),
  (:'jobs', 'alerts_archive', 'SELECT, INSERT'),
  (:'jobs', 'anomaly_records_archive', 'SELECT, INSERT'),
  (:'jobs', 'performance_metrics_archive', 'SELECT, INSERT'),
  (:'jobs', 'notification_logs_archive', 'SELECT, INSERT'),
  (:'jobs', 'maintenance_reports_archive', 'SELECT, INSERT');
\ir roles-apply.sql
COMMIT;
