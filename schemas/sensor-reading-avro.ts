// The SensorReading Avro schemas: every version a gateway may write with, all read as the newest (the reader).
// The .avsc files are the contract; they are read once, at import, so a missing or broken file stops the
// process at start rather than at the first reading.
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Schema, Type } from 'avsc';
import { SingleObjectRegistry } from './avro-single-object.js';
import { schemaFile } from './schema-files.js';

export const SENSOR_READING_VERSIONS = [1, 2] as const;
export type SensorReadingVersion = (typeof SENSOR_READING_VERSIONS)[number];
/** The reader schema; also what producers write unless told otherwise. */
export const SENSOR_READING_LATEST: SensorReadingVersion = 2;

export function sensorReadingSchemaFile(version: SensorReadingVersion): string {
  return schemaFile(`sensor-reading.v${version}.avsc`);
}

function loadType(version: SensorReadingVersion): Type {
  const schema: unknown = JSON.parse(readFileSync(sensorReadingSchemaFile(version), 'utf8'));
  // No logicalTypes option: timestamp-millis stays a plain long, epoch ms, which is what the domain wants.
  return avro.Type.forSchema(schema as Schema);
}

function createRegistry(): SingleObjectRegistry {
  const types = new Map(SENSOR_READING_VERSIONS.map((version) => [version, loadType(version)]));
  const reader = types.get(SENSOR_READING_LATEST);
  if (reader === undefined) throw new Error(`no reader schema v${SENSOR_READING_LATEST}`);
  // The reader's own version is the very same Type, so it decodes without a resolver.
  return new SingleObjectRegistry(
    reader,
    [...types].map(([version, type]) => ({ version, type })),
  );
}

export const sensorReadingRegistry: SingleObjectRegistry = createRegistry();
