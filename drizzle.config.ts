// drizzle-kit for the twin database: `npm run db:generate` writes its migrations to drizzle/twin.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/tables/twin/index.ts',
  out: './drizzle/twin',
});
