// `npm run stack:down`: stops what stack:up started, found by our pid files and data paths, and nothing else:
// not the machine's own PostgreSQL, not a broker someone else runs on the same port.
import { stopEmbeddedPostgres } from './embedded-postgres.js';
import { stopBroker } from './kafka-broker.js';

try {
  const [broker, postgres] = await Promise.all([stopBroker(), stopEmbeddedPostgres()]);
  const stopped = [broker && 'Kafka', postgres && 'embedded PostgreSQL'].filter(Boolean);
  console.log(
    stopped.length > 0 ? `stack: stopped ${stopped.join(' and ')}` : 'stack: nothing of ours was running',
  );
} catch (error) {
  console.error(`stack:down: ${(error as Error).message}`);
  process.exit(1);
}
