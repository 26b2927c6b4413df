// Generic webhook: one POST per event, the body being the event's JSON envelope. With a secret,
// `X-Signature: sha256=<hex HMAC-SHA256 of the body>`: Flux notification-controller's format, so
// receivers written for Flux verify it unchanged.
import { createHmac } from 'node:crypto';
import type { Delivery, NotificationSink, PassEvents } from '../types.js';

export interface WebhookSinkSettings {
  url: string;
  /** The HMAC key (the value of the `secretEnv` variable); no signature when absent. */
  secret?: string;
}

export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createWebhookSink(settings: WebhookSinkSettings): NotificationSink {
  return {
    type: 'webhook',
    passStarted: () => [],
    passFinished(pass: PassEvents): Delivery[] {
      return pass.events.map((event) => {
        const body = JSON.stringify(event);
        return {
          sink: 'webhook',
          url: settings.url,
          headers: { 'content-type': 'application/json', ...(settings.secret !== undefined ? { 'x-signature': signatureOf(body, settings.secret) } : {}) },
          body,
        };
      });
    },
  };
}
