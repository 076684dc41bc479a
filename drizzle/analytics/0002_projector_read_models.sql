CREATE TABLE "projector_checkpoints" (
	"consumer_group" varchar(255) NOT NULL,
	"topic" varchar(249) NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	"owner_epoch" integer DEFAULT 0 NOT NULL,
	"stream_time" bigint,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "projector_checkpoints_consumer_group_topic_partition_pk" PRIMARY KEY("consumer_group","topic","partition")
);
--> statement-breakpoint
CREATE TABLE "projector_positions" (
	"machine_id" varchar(50) PRIMARY KEY NOT NULL,
	"event_source_offset" bigint,
	"event_index" integer,
	"action_id" bigint DEFAULT 0 NOT NULL,
	"seq_high" double precision,
	"seq_recent" double precision,
	"seq_older" double precision,
	"counters_time" bigint,
	"last_good" bigint,
	"last_reject" bigint
);
--> statement-breakpoint
CREATE TABLE "performance_windows" (
	"machine_id" varchar(50) NOT NULL,
	"window_start" timestamp NOT NULL,
	"window_ms" integer NOT NULL,
	"readings" integer NOT NULL,
	"sum_load" double precision NOT NULL,
	"sum_temperature" double precision NOT NULL,
	"sum_vibration" double precision NOT NULL,
	"planned_readings" integer NOT NULL,
	"running_readings" integer NOT NULL,
	"sum_load_running" double precision NOT NULL,
	"good_count" bigint NOT NULL,
	"reject_count" bigint NOT NULL,
	"anomaly_count" integer NOT NULL,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "performance_windows_machine_id_window_start_pk" PRIMARY KEY("machine_id","window_start")
);
--> statement-breakpoint
CREATE TABLE "machine_twins" (
	"machine_id" varchar(50) PRIMARY KEY NOT NULL,
	"machine_type" varchar(50) NOT NULL,
	"status" varchar(20) NOT NULL,
	"status_since" timestamp NOT NULL,
	"last_event_time" timestamp NOT NULL,
	"twin" jsonb NOT NULL,
	"source_partition" integer NOT NULL,
	"source_offset" bigint NOT NULL,
	"projected_at" timestamp NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_actions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" varchar(50) NOT NULL,
	"machine_id" varchar(50) NOT NULL,
	"action" varchar(20) NOT NULL,
	"actor" varchar(100) NOT NULL,
	"note" text,
	"params" jsonb,
	"at" timestamp NOT NULL,
	"after_source_offset" bigint,
	"after_index" integer,
	"created_at" timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
ALTER TABLE "performance_metrics" ADD COLUMN "resolution" varchar(10);--> statement-breakpoint
ALTER TABLE "performance_metrics" ADD COLUMN "window_start" timestamp;--> statement-breakpoint
CREATE INDEX "idx_performance_windows_start" ON "performance_windows" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "idx_machine_twins_type" ON "machine_twins" USING btree ("machine_type");--> statement-breakpoint
CREATE INDEX "idx_alert_actions_machine" ON "alert_actions" USING btree ("machine_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_performance_metrics_window" ON "performance_metrics" USING btree ("machine_id","resolution","calculation_time");