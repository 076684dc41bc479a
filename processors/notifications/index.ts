// Notifications: which alerts go to whom, when, and in how many messages. Pure: routes are validated
// documents, time is passed in, and the decisions are values the runtime writes and sends.
export { alertView, episodeStartOf, routeMatches, type AlertView } from './alert-view.js';
export {
  NOTIFICATION_KINDS,
  decideNotifications,
  notificationKey,
  type Decision,
  type DecisionInput,
  type NotificationIntent,
  type NotificationKind,
  type RouteAlertState,
} from './decide.js';
export { afterAttempt, backoffMs, httpOutcome, smtpOutcome, type AttemptResult } from './delivery-policy.js';
export {
  MAX_LISTED_ALERTS,
  SMS_MAX_CHARS,
  renderNotification,
  truncate,
  type NotificationType,
  type RenderedNotification,
} from './render.js';
export {
  DEFAULT_DELIVERY_POLICY,
  RoutesError,
  parseRoutes,
  type Contact,
  type ContactChannel,
  type DeliveryPolicy,
  type NotificationRoutes,
  type Route,
  type RouteMatch,
  type WebhookFormat,
} from './routes.js';
