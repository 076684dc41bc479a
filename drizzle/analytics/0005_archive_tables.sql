-- Archives for retention (`twin retention`): same columns as the live table (LIKE copies names, types and
-- NOT NULL; no defaults, so no tie to the live table's id sequence) plus when the row was archived. A later
-- migration that adds a column to a live table adds it to its archive too.
CREATE TABLE "alerts_archive" (LIKE "alerts");--> statement-breakpoint
ALTER TABLE "alerts_archive" ADD PRIMARY KEY ("id"),
  ADD COLUMN "archived_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP;--> statement-breakpoint
CREATE INDEX "idx_alerts_archive_timestamp" ON "alerts_archive" ("timestamp");
--> statement-breakpoint
CREATE TABLE "anomaly_records_archive" (LIKE "anomaly_records");--> statement-breakpoint
ALTER TABLE "anomaly_records_archive" ADD PRIMARY KEY ("id"),
  ADD COLUMN "archived_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP;--> statement-breakpoint
CREATE INDEX "idx_anomaly_records_archive_timestamp" ON "anomaly_records_archive" ("timestamp");
--> statement-breakpoint
CREATE TABLE "performance_metrics_archive" (LIKE "performance_metrics");--> statement-breakpoint
ALTER TABLE "performance_metrics_archive" ADD PRIMARY KEY ("id"),
  ADD COLUMN "archived_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP;--> statement-breakpoint
CREATE INDEX "idx_performance_metrics_archive_calculation_time" ON "performance_metrics_archive" ("calculation_time");
--> statement-breakpoint
CREATE TABLE "notification_logs_archive" (LIKE "notification_logs");--> statement-breakpoint
ALTER TABLE "notification_logs_archive" ADD PRIMARY KEY ("id"),
  ADD COLUMN "archived_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP;--> statement-breakpoint
CREATE INDEX "idx_notification_logs_archive_sent_time" ON "notification_logs_archive" ("sent_time");
--> statement-breakpoint
CREATE TABLE "maintenance_reports_archive" (LIKE "maintenance_reports");--> statement-breakpoint
ALTER TABLE "maintenance_reports_archive" ADD PRIMARY KEY ("id"),
  ADD COLUMN "archived_at" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP;--> statement-breakpoint
CREATE INDEX "idx_maintenance_reports_archive_generated_time" ON "maintenance_reports_archive" ("generated_time");
--> statement-breakpoint
-- Alert ids number the alerts of a (machine, alert type); the projector counts archived ones too.
CREATE INDEX "idx_alerts_archive_machine_type" ON "alerts_archive" ("machine_id", "alert_type");
