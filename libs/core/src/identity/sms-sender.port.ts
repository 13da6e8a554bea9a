/** One SMS: a login code (`code` set) or an invitation to someone without an account. */
export interface SmsMessage {
  to: string;
  purpose: 'login-code' | 'invitation';
  /** The login code, for `login-code` messages only. */
  code?: string;
  text: string;
  tenant: string;
}

/** Delivers SMS (login codes, invitations). A failed delivery throws DomainError SMS_DELIVERY_FAILED. */
export abstract class SmsSender {
  abstract send(message: SmsMessage): Promise<void>;
}
