/** The answer of a webhook receiver. */
export interface WebhookResponse {
  status: number;
  /** The answer's body (UTF-8), or null when it was larger than the adapter reads. */
  body: string | null;
  contentType: string | null;
}

/**
 * Outbound HTTP for webhooks. Adapters refuse private, loopback and link-local targets at connect
 * time (after DNS resolution, so a name that rebinds to such an address is refused too) unless
 * the operator allowed them, follow no redirects, and bound time and response size. A refused or
 * failed connection rejects with an Error whose message is safe to show the webhook's owner.
 */
export abstract class WebhookTransport {
  abstract post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<WebhookResponse>;
}
