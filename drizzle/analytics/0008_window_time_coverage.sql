-- Time-based availability: the time each reading's status covers, per window and roll-up, and per machine its
-- latest event time and the status still covering time. Windows projected earlier know no time, so their uptime
-- is null (or counts only what is projected from now on): `twin projector --rebuild` recomputes them.
ALTER TABLE "projector_positions" ADD COLUMN "last_event_time" bigint;--> statement-breakpoint
ALTER TABLE "projector_positions" ADD COLUMN "last_status" varchar(20);--> statement-breakpoint
ALTER TABLE "projector_positions" ADD COLUMN "covered_until" bigint;--> statement-breakpoint
ALTER TABLE "performance_windows" ADD COLUMN "covered_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "performance_windows" ADD COLUMN "running_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "performance_windows" ADD COLUMN "maintenance_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "performance_rollups" ADD COLUMN "covered_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "performance_rollups" ADD COLUMN "running_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "performance_rollups" ADD COLUMN "maintenance_ms" integer DEFAULT 0 NOT NULL;