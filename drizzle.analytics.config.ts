// drizzle-kit for the analytics database: `npm run db:generate` writes its migrations to drizzle/analytics.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/tables/analytics/index.ts',
  out: './drizzle/analytics',
});
