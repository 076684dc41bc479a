-- Hourly and daily roll-up sums, kept incrementally; filled from the base windows already projected.
CREATE TABLE "performance_rollups" (
	"machine_id" varchar(50) NOT NULL,
	"resolution" varchar(10) NOT NULL,
	"window_start" timestamp NOT NULL,
	"readings" integer NOT NULL,
	"sum_load" bigint NOT NULL,
	"sum_temperature" bigint NOT NULL,
	"sum_vibration" bigint NOT NULL,
	"planned_readings" integer NOT NULL,
	"running_readings" integer NOT NULL,
	"sum_load_running" bigint NOT NULL,
	"good_count" bigint NOT NULL,
	"reject_count" bigint NOT NULL,
	"anomaly_count" integer NOT NULL,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "performance_rollups_machine_id_resolution_window_start_pk" PRIMARY KEY("machine_id","resolution","window_start")
);
--> statement-breakpoint
INSERT INTO "performance_rollups"
  SELECT "machine_id", r."resolution", date_trunc(r."unit", "window_start"), sum("readings"), sum("sum_load"),
         sum("sum_temperature"), sum("sum_vibration"), sum("planned_readings"), sum("running_readings"),
         sum("sum_load_running"), sum("good_count"), sum("reject_count"), sum("anomaly_count"), CURRENT_TIMESTAMP
    FROM "performance_windows"
   CROSS JOIN (VALUES ('PT1H', 'hour'), ('P1D', 'day')) AS r("resolution", "unit")
   GROUP BY "machine_id", r."resolution", date_trunc(r."unit", "window_start");
