CREATE TABLE "notification_route_states" (
	"route_id" varchar(50) NOT NULL,
	"alert_id" varchar(50) NOT NULL,
	"episode_start" timestamp NOT NULL,
	"first_seen_at" timestamp NOT NULL,
	"open_notified_at" timestamp,
	"last_notified_at" timestamp,
	"level" integer DEFAULT -1 NOT NULL,
	"reminders" integer DEFAULT 0 NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp NOT NULL,
	CONSTRAINT "notification_route_states_route_id_alert_id_pk" PRIMARY KEY("route_id","alert_id")
);
--> statement-breakpoint
CREATE TABLE "notification_outbox" (
	"notification_key" varchar(120) PRIMARY KEY NOT NULL,
	"route_id" varchar(50) NOT NULL,
	"contact_index" smallint NOT NULL,
	"contact_name" varchar(100) NOT NULL,
	"kind" varchar(20) NOT NULL,
	"notification_type" varchar(20) NOT NULL,
	"recipient" varchar(100) NOT NULL,
	"target" jsonb NOT NULL,
	"alert_ids" text[] NOT NULL,
	"subject" varchar(255) NOT NULL,
	"content" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" varchar(20) DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp NOT NULL,
	"lease_owner" varchar(100),
	"lease_until" timestamp,
	"last_error" text,
	"created_at" timestamp NOT NULL,
	"finished_at" timestamp
);
--> statement-breakpoint
CREATE INDEX "idx_notification_route_states_alert" ON "notification_route_states" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "idx_notification_route_states_live" ON "notification_route_states" USING btree ("alert_id") WHERE NOT "notification_route_states"."done";--> statement-breakpoint
CREATE INDEX "idx_notification_outbox_due" ON "notification_outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "idx_notification_outbox_created" ON "notification_outbox" USING btree ("created_at");