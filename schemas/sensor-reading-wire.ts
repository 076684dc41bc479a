// The reading as it travels on sensor.readings: snake_case field names, the contract in schemas/README.md.
// schemas/ owns this shape: decoders hand the parsed record to validateReading (which takes it as an untyped
// record, since input may be anything), encoders and the anomaly tables' sensor_data build it with toWireReading.
import type { SensorReading } from '../processors/readings/reading.js';

/** A reading on the wire. Optional fields may be absent (JSON) or null (Avro unions). */
export interface WireReading {
  readonly machine_id: string;
  readonly machine_type: string;
  /** Epoch milliseconds; JSON gateways may also send an ISO-8601 string with a zone. */
  readonly timestamp: number | string;
  readonly temperature: number;
  readonly vibration: number;
  readonly load: number;
  readonly status: string;
  readonly seq?: number | null;
  readonly good_count?: number | null;
  readonly reject_count?: number | null;
  readonly rpm?: number | null;
  readonly power_kw?: number | null;
  readonly pressure_bar?: number | null;
}

/** The domain reading in wire form (epoch-ms timestamp); absent optional fields stay absent. */
export function toWireReading(reading: SensorReading): WireReading {
  const wire: { -readonly [K in keyof WireReading]: WireReading[K] } = {
    machine_id: reading.machineId,
    machine_type: reading.machineType,
    timestamp: reading.timestamp,
    temperature: reading.temperature,
    vibration: reading.vibration,
    load: reading.load,
    status: reading.status,
  };
  if (reading.seq !== undefined) wire.seq = reading.seq;
  if (reading.goodCount !== undefined) wire.good_count = reading.goodCount;
  if (reading.rejectCount !== undefined) wire.reject_count = reading.rejectCount;
  if (reading.rpm !== undefined) wire.rpm = reading.rpm;
  if (reading.powerKw !== undefined) wire.power_kw = reading.powerKw;
  if (reading.pressureBar !== undefined) wire.pressure_bar = reading.pressureBar;
  return wire;
}
