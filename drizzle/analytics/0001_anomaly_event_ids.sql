ALTER TABLE "anomaly_records" ADD COLUMN "event_id" varchar(64);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_anomaly_records_event_id" ON "anomaly_records" USING btree ("event_id");