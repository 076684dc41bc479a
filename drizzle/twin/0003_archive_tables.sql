-- Archives for retention (`twin retention`): same columns as the live table (LIKE copies names, types and
-- NOT NULL; no defaults, so no tie to the live table's id sequence) plus when the row was archived. A later
-- migration that adds a column to a live table adds it to its archive too.
CREATE TABLE "anomaly_history_archive" (LIKE "anomaly_history");--> statement-breakpoint
ALTER TABLE "anomaly_history_archive" ADD PRIMARY KEY ("id"),
  ADD COLUMN "archived_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP;--> statement-breakpoint
CREATE INDEX "idx_anomaly_history_archive_timestamp" ON "anomaly_history_archive" ("timestamp");
