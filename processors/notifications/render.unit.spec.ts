import { describe, expect, it } from 'vitest';
import type { AlertView } from './alert-view.js';
import type { NotificationIntent } from './decide.js';
import { renderNotification, SMS_MAX_CHARS } from './render.js';
import type { Contact } from './routes.js';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);

const alert = (machineId: string, severity: AlertView['severity'] = 'HIGH'): AlertView => ({
  alertId: `${machineId}:TEMPERATURE_HIGH:1`,
  machineId,
  machineType: 'oven',
  alertType: 'TEMPERATURE_HIGH',
  severity,
  status: 'NEW',
  openedAt: T0,
  episodeStart: T0,
  repeatCount: 0,
  flapping: false,
  assignedTo: null,
});

const intent = (contact: Contact, alerts: AlertView[], kind: NotificationIntent['kind'] = 'OPEN') => ({
  key: `ovens:${kind}:0:0123456789abcdef`,
  routeId: 'ovens',
  contactIndex: 0,
  contact,
  kind,
  alerts,
  unacknowledgedMs: kind === 'ESCALATION' ? 300_000 : null,
});

describe('rendering notifications', () => {
  it('given one alert to a generic webhook, when rendered, then the JSON names the key, kind and alert', () => {
    const rendered = renderNotification(
      intent({ name: 'ops-hook', channel: 'WEBHOOK', url: 'http://x', format: 'generic' }, [alert('oven-1')]),
    );
    expect(rendered).toMatchObject({
      notificationType: 'WEBHOOK',
      recipient: 'ops-hook',
      subject: '[HIGH] New: TEMPERATURE_HIGH on oven-1',
    });
    expect(rendered.payload).toMatchObject({
      notificationKey: 'ovens:OPEN:0:0123456789abcdef',
      kind: 'OPEN',
      route: 'ovens',
      alerts: [
        { alertId: 'oven-1:TEMPERATURE_HIGH:1', severity: 'HIGH', openedAt: '2026-03-02T08:00:00.000Z' },
      ],
    });
  });

  it('given a group to Slack, when rendered, then it is a header, a section listing each alert, and context', () => {
    const rendered = renderNotification(
      intent({ name: 'plant-chat', channel: 'WEBHOOK', url: 'http://x', format: 'slack' }, [
        alert('oven-1', 'MEDIUM'),
        alert('oven-2', 'CRITICAL'),
      ]),
    );
    expect(rendered.notificationType).toBe('SLACK');
    const payload = rendered.payload as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(payload.text).toBe('[CRITICAL] New: 2 alerts (TEMPERATURE_HIGH) on 2 machines');
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(payload.blocks[1]!.text!.text).toContain('• MEDIUM TEMPERATURE_HIGH on oven-1 (oven), NEW since');
    expect(payload.blocks[1]!.text!.text).toContain('• CRITICAL TEMPERATURE_HIGH on oven-2');
  });

  it('given an escalation by SMS of many alerts, when rendered, then the text fits one segment', () => {
    const many = Array.from({ length: 40 }, (_, i) => alert(`oven-${i + 1}`));
    const rendered = renderNotification(
      intent({ name: 'lead', channel: 'SMS', url: 'http://x', to: '+4915100000001' }, many, 'ESCALATION'),
    );
    expect(rendered.text.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(rendered.payload).toEqual({
      to: '+4915100000001',
      text: rendered.text,
      reference: 'ovens:ESCALATION:0:0123456789abcdef',
    });
  });

  it('given an escalation by email, when rendered, then the text says how long it went unacknowledged', () => {
    const rendered = renderNotification(
      intent({ name: 'lead', channel: 'EMAIL', to: 'lead@plant.example' }, [alert('oven-1')], 'ESCALATION'),
    );
    expect(rendered.recipient).toBe('lead@plant.example');
    expect(rendered.text.split('\n')[0]).toBe('1 alert not acknowledged after 5 min: escalated to lead.');
  });
});
