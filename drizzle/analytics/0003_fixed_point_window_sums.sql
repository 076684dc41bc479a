-- Sensor sums become fixed-point millionths: integer sums are exact whatever the batching.
ALTER TABLE "performance_windows" ALTER COLUMN "sum_load" SET DATA TYPE bigint USING round("sum_load" * 1000000)::bigint;--> statement-breakpoint
ALTER TABLE "performance_windows" ALTER COLUMN "sum_temperature" SET DATA TYPE bigint USING round("sum_temperature" * 1000000)::bigint;--> statement-breakpoint
ALTER TABLE "performance_windows" ALTER COLUMN "sum_vibration" SET DATA TYPE bigint USING round("sum_vibration" * 1000000)::bigint;--> statement-breakpoint
ALTER TABLE "performance_windows" ALTER COLUMN "sum_load_running" SET DATA TYPE bigint USING round("sum_load_running" * 1000000)::bigint;