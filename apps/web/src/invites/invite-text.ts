/** The invitation a person sends to a number that has no account yet: where to sign up. */
export function inviteText(inviterName: string | undefined, appUrl: string): string {
  const who = inviterName?.trim() ? `${inviterName.trim()} invites you` : 'You are invited';
  return `${who} to chat on Chatter. Sign up with this phone number at ${appUrl}`;
}

/**
 * An `sms:` link that opens the device's messaging app with the invitation filled in, sent from
 * the inviter's own phone (so it costs the server no SMS budget and needs no sender configured).
 */
export function smsHref(phoneE164: string, text: string): string {
  return `sms:${encodeURIComponent(phoneE164).replace(/%2B/g, '+')}?body=${encodeURIComponent(text)}`;
}

/** The address of this app, without route or query: what the invited person opens. */
export function appUrl(location: Pick<Location, 'origin' | 'pathname'>): string {
  return `${location.origin}${location.pathname}`;
}

/** What went wrong when the server was asked to text the invitation, in plain words. */
export function inviteSmsErrorText(code: string | undefined): string | undefined {
  switch (code ?? '') {
    case 'RATE_LIMITED':
      return 'This number got an invitation recently, or you have sent many today. Share or copy the invite instead.';
    case 'FORBIDDEN':
      return 'This server does not send invitations. Share or copy the invite instead.';
    case 'CONFLICT':
      return 'This number is already on Chatter. Start a chat with it.';
    case 'SMS_DELIVERY_FAILED':
      return 'The invitation could not be sent. Try again in a moment.';
    default:
      return undefined;
  }
}
