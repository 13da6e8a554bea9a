/**
 * Why a scheduled message was not sent, in plain words for its sender. The server gives an error
 * code; a code without its own wording still reads as a sentence, never as the code itself, and a
 * block is never named (as everywhere else, the sender learns only that it was not delivered).
 */
export function scheduledFailureText(code: string | null | undefined): string {
  switch (code ?? '') {
    case 'NOT_A_MEMBER':
      return 'you are no longer a member';
    case 'BLOCKED':
      return 'it could not be delivered';
    case 'NOT_FOUND':
      return 'the conversation is gone';
    case 'ACCOUNT_BANNED':
      return 'your account is banned';
    case 'ACCOUNT_SUSPENDED':
      return 'your account is suspended';
    case 'CONTENT_BLOCKED':
      return 'it contains a word this community does not allow';
    case 'FORBIDDEN':
      return 'you may no longer post here';
    case 'BAD_USER_INPUT':
    case 'VALIDATION_FAILED':
      return 'the message was refused';
    default:
      return 'it could not be sent';
  }
}
