// Cost of one notifier decision (it runs every poll) with many open alerts and routes. A script that prints
// figures; no test asserts on timings. Run: node --import tsx bench/micro/notification-decide.ts
import type { AlertView } from '../../processors/notifications/alert-view.js';
import { decideNotifications, type RouteAlertState } from '../../processors/notifications/decide.js';
import { parseRoutes } from '../../processors/notifications/routes.js';
import { SEVERITIES } from '../../processors/threshold-detection/severity.js';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
const TYPES = ['cnc_mill', 'pump', 'compressor', 'conveyor'];
const ALERT_TYPES = ['TEMPERATURE_HIGH', 'VIBRATION_RATE', 'LOAD_HIGH', 'STALE_DATA'];

const routes = parseRoutes({
  routes: [
    ...TYPES.map((type) => ({
      id: `type-${type}`,
      match: { machineTypes: [type], minSeverity: 'MEDIUM' },
      groupWaitMs: 30_000,
      contacts: [
        { name: `${type}-hook`, channel: 'WEBHOOK', url: 'https://hooks.example/x' },
        { name: `${type}-lead`, channel: 'SMS', url: 'https://sms.example/send', to: '+4915100000001' },
      ],
    })),
    {
      id: 'critical',
      match: { minSeverity: 'CRITICAL' },
      groupWaitMs: 0,
      contacts: [{ name: 'all-hook', channel: 'WEBHOOK', url: 'https://hooks.example/y' }],
    },
  ],
}).routes;

for (const openAlerts of [1_000, 10_000, 50_000]) {
  const alerts: AlertView[] = Array.from({ length: openAlerts }, (_, i) => ({
    alertId: `machine-${i}:${ALERT_TYPES[i % 4]}:1`,
    machineId: `machine-${i}`,
    machineType: TYPES[i % TYPES.length]!,
    alertType: ALERT_TYPES[i % 4]!,
    severity: SEVERITIES[i % 4]!,
    status: i % 3 === 0 ? 'ACKNOWLEDGED' : 'NEW',
    openedAt: T0,
    episodeStart: T0,
    repeatCount: 0,
    flapping: false,
    assignedTo: null,
  }));
  // First poll: every alert is new to its routes. Then a steady-state poll with every state known.
  let started = performance.now();
  const first = decideNotifications({ now: T0 + 60_000, routes, alerts, states: [] });
  const firstMs = performance.now() - started;
  const states: RouteAlertState[] = [...first.states];
  const rounds = 20;
  started = performance.now();
  for (let round = 0; round < rounds; round++)
    decideNotifications({ now: T0 + 61_000 + round, routes, alerts, states });
  const steadyMs = (performance.now() - started) / rounds;
  console.log(
    `${openAlerts} open alerts × ${routes.length} routes: first poll ${firstMs.toFixed(1)} ms ` +
      `(${first.intents.length} messages, ${first.states.length} states), steady poll ${steadyMs.toFixed(1)} ms`,
  );
}
