// What every route needs: the two databases and the clock (injected, so tests pin time).
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

export interface ApiContext {
  readonly twinPool: pg.Pool;
  readonly analyticsPool: pg.Pool;
  /** Epoch ms. */
  readonly now: () => number;
}

export type ApiRoutes = (app: FastifyInstance, context: ApiContext) => void;
