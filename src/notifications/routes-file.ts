// Reads and validates the routes file once at start: a bad file stops the process with one line naming the
// path and the problem (`notification routes config/routes.json: routes[0].contacts[1].url: expected …`).
import { readFile } from 'node:fs/promises';
import { parseRoutes, RoutesError, type NotificationRoutes } from '../../processors/notifications/index.js';
import { oneLine, TwinError } from '../errors.js';

export async function loadRoutesFile(path: string | undefined): Promise<NotificationRoutes> {
  if (path === undefined || path === '')
    throw new TwinError(
      'CONFIG_INVALID',
      'NOTIFY_ROUTES_FILE is not set (see config/notification-routes.example.json)',
    );
  const fail = (problem: string): never => {
    throw new TwinError('CONFIG_INVALID', `notification routes ${path}: ${problem}`);
  };
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    fail(`cannot read: ${oneLine(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`not JSON: ${oneLine(error)}`);
  }
  try {
    return parseRoutes(json);
  } catch (error) {
    if (error instanceof RoutesError) return fail(error.message);
    throw error;
  }
}
