CREATE TABLE "alerts" (
	"id" serial PRIMARY KEY NOT NULL,
	"alert_id" varchar(50) NOT NULL,
	"machine_id" varchar(50) NOT NULL,
	"severity" varchar(20) NOT NULL,
	"alert_type" varchar(50) NOT NULL,
	"timestamp" timestamp NOT NULL,
	"description" text,
	"details" jsonb,
	"status" varchar(20) DEFAULT 'NEW',
	"assigned_to" varchar(100),
	"resolution_time" timestamp,
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "alerts_alert_id_key" UNIQUE("alert_id")
);
--> statement-breakpoint
CREATE TABLE "anomaly_records" (
	"id" serial PRIMARY KEY NOT NULL,
	"machine_id" varchar(50) NOT NULL,
	"anomaly_type" varchar(50) NOT NULL,
	"severity" varchar(20) NOT NULL,
	"timestamp" timestamp NOT NULL,
	"sensor_data" jsonb,
	"calculated_metrics" jsonb,
	"ml_features" jsonb,
	"ml_confidence" numeric(5, 4),
	"algorithm_used" varchar(50) DEFAULT 'threshold',
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE TABLE "performance_metrics" (
	"id" serial PRIMARY KEY NOT NULL,
	"machine_id" varchar(50) NOT NULL,
	"calculation_time" timestamp NOT NULL,
	"average_load" numeric(5, 2),
	"average_temperature" numeric(5, 2),
	"average_vibration" numeric(5, 2),
	"uptime_percentage" numeric(5, 2),
	"anomaly_count" integer,
	"efficiency_rating" numeric(5, 2),
	"ml_model_version" varchar(20),
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE TABLE "maintenance_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" varchar(50) NOT NULL,
	"report_type" varchar(50) NOT NULL,
	"generated_time" timestamp NOT NULL,
	"machine_id" varchar(50),
	"content" jsonb NOT NULL,
	"metrics_summary" jsonb,
	"recommendations" jsonb,
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "maintenance_reports_report_id_key" UNIQUE("report_id")
);
--> statement-breakpoint
CREATE TABLE "notification_logs" (
	"id" serial PRIMARY KEY NOT NULL,
	"alert_id" varchar(50),
	"notification_type" varchar(20) NOT NULL,
	"recipient" varchar(100) NOT NULL,
	"subject" varchar(255),
	"content" text,
	"status" varchar(20) NOT NULL,
	"sent_time" timestamp NOT NULL,
	"response_details" jsonb,
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE TABLE "ml_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_id" varchar(50) NOT NULL,
	"machine_type" varchar(50) NOT NULL,
	"model_version" varchar(20) NOT NULL,
	"model_name" varchar(100) NOT NULL,
	"model_data" "bytea",
	"training_data_info" jsonb,
	"training_date" timestamp,
	"accuracy_score" numeric(5, 4),
	"status" varchar(20) DEFAULT 'ACTIVE',
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "ml_models_model_id_key" UNIQUE("model_id")
);
--> statement-breakpoint
CREATE INDEX "idx_alerts_machine_time" ON "alerts" USING btree ("machine_id","timestamp" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_alerts_severity" ON "alerts" USING btree ("severity");--> statement-breakpoint
CREATE INDEX "idx_alerts_status" ON "alerts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_alerts_assigned" ON "alerts" USING btree ("assigned_to");--> statement-breakpoint
CREATE INDEX "idx_anomaly_records_machine_time" ON "anomaly_records" USING btree ("machine_id","timestamp" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_anomaly_records_type" ON "anomaly_records" USING btree ("anomaly_type");--> statement-breakpoint
CREATE INDEX "idx_anomaly_records_severity" ON "anomaly_records" USING btree ("severity");--> statement-breakpoint
CREATE INDEX "idx_performance_metrics_machine_time" ON "performance_metrics" USING btree ("machine_id","calculation_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_performance_metrics_calc_time" ON "performance_metrics" USING btree ("calculation_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_maintenance_reports_time" ON "maintenance_reports" USING btree ("generated_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_maintenance_reports_type" ON "maintenance_reports" USING btree ("report_type");--> statement-breakpoint
CREATE INDEX "idx_maintenance_reports_machine" ON "maintenance_reports" USING btree ("machine_id");--> statement-breakpoint
CREATE INDEX "idx_notification_logs_alert" ON "notification_logs" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "idx_notification_logs_type" ON "notification_logs" USING btree ("notification_type");--> statement-breakpoint
CREATE INDEX "idx_notification_logs_status" ON "notification_logs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_notification_logs_sent_time" ON "notification_logs" USING btree ("sent_time" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_ml_models_type_version" ON "ml_models" USING btree ("machine_type","model_version" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_ml_models_status" ON "ml_models" USING btree ("status");