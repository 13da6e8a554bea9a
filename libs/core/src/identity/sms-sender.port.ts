/** Delivers login codes. A failed delivery throws DomainError SMS_DELIVERY_FAILED. */
export abstract class SmsSender {
  abstract send(message: { to: string; code: string; text: string; tenant: string }): Promise<void>;
}
