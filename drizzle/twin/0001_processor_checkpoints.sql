CREATE TABLE "processor_checkpoints" (
	"consumer_group" varchar(255) NOT NULL,
	"topic" varchar(249) NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	"owner_epoch" integer DEFAULT 0 NOT NULL,
	"snapshot_offset" bigint,
	"snapshot_state" jsonb,
	"snapshot_time" timestamp,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "processor_checkpoints_consumer_group_topic_partition_pk" PRIMARY KEY("consumer_group","topic","partition")
);
--> statement-breakpoint
ALTER TABLE "state_snapshots" ADD COLUMN "source_topic" varchar(249);--> statement-breakpoint
ALTER TABLE "state_snapshots" ADD COLUMN "source_partition" integer;--> statement-breakpoint
ALTER TABLE "state_snapshots" ADD COLUMN "source_offset" bigint;--> statement-breakpoint
ALTER TABLE "anomaly_history" ADD COLUMN "event_id" varchar(64);--> statement-breakpoint
CREATE INDEX "idx_state_snapshots_source" ON "state_snapshots" USING btree ("source_topic","source_partition","source_offset");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_anomaly_history_event_id" ON "anomaly_history" USING btree ("event_id");