CREATE TABLE "state_snapshots" (
	"id" serial PRIMARY KEY NOT NULL,
	"machine_id" varchar(50) NOT NULL,
	"snapshot_time" timestamp NOT NULL,
	"state_data" jsonb NOT NULL,
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE TABLE "anomaly_history" (
	"id" serial PRIMARY KEY NOT NULL,
	"machine_id" varchar(50) NOT NULL,
	"anomaly_type" varchar(50) NOT NULL,
	"severity" varchar(20) NOT NULL,
	"timestamp" timestamp NOT NULL,
	"sensor_data" jsonb,
	"calculated_metrics" jsonb,
	"details" jsonb,
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE TABLE "machine_configurations" (
	"id" serial PRIMARY KEY NOT NULL,
	"machine_type" varchar(50) NOT NULL,
	"baseline_temp" numeric(5, 2),
	"temp_variation" numeric(5, 2),
	"baseline_vibration" numeric(5, 2),
	"vibration_variation" numeric(5, 2),
	"operational_pattern" varchar(20),
	"thresholds" jsonb,
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE INDEX "idx_state_snapshots_machine_time" ON "state_snapshots" USING btree ("machine_id","snapshot_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_anomaly_history_machine_time" ON "anomaly_history" USING btree ("machine_id","timestamp" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_anomaly_history_severity" ON "anomaly_history" USING btree ("severity");--> statement-breakpoint
CREATE INDEX "idx_machine_configurations_type" ON "machine_configurations" USING btree ("machine_type");