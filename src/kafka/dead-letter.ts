// A rejected reading goes to the dead-letter topic unchanged (same key and value, so it can be replayed once
// fixed), with headers that say why and where it came from.
import type { OutgoingMessage } from './producer.js';

export interface RejectedMessage {
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** A closed set of snake_case reasons (also a metric label). */
  readonly reason: string;
  /** One line: what was wrong. */
  readonly error: string;
}

export const DEAD_LETTER_HEADERS = {
  reason: 'twin.dlq.reason',
  error: 'twin.dlq.error',
  topic: 'twin.dlq.source.topic',
  partition: 'twin.dlq.source.partition',
  offset: 'twin.dlq.source.offset',
} as const;

export function deadLetterMessage(deadLetterTopic: string, rejected: RejectedMessage): OutgoingMessage {
  return {
    topic: deadLetterTopic,
    // Keyed like the source so a machine's rejects stay in order; unkeyed sources keep their partition's name.
    key: rejected.key?.toString() ?? `${rejected.sourceTopic}-${rejected.sourcePartition}`,
    value: rejected.value ?? Buffer.alloc(0),
    headers: {
      [DEAD_LETTER_HEADERS.reason]: rejected.reason,
      [DEAD_LETTER_HEADERS.error]: rejected.error.slice(0, 1_000),
      [DEAD_LETTER_HEADERS.topic]: rejected.sourceTopic,
      [DEAD_LETTER_HEADERS.partition]: String(rejected.sourcePartition),
      [DEAD_LETTER_HEADERS.offset]: rejected.sourceOffset,
    },
  };
}
