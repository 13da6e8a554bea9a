import { describe, expect, it } from 'vitest';
import { describeUploadError, isFileRefused } from './describe-upload-error';
import { UploadTransportError } from './upload-transport';

const gqlError = (extensions: Record<string, unknown>) => ({
  graphQLErrors: [{ message: 'server wording', extensions }],
});

describe('describeUploadError', () => {
  it('says why a file was refused, never in the server’s words', () => {
    expect(describeUploadError(gqlError({ code: 'FILE_TOO_LARGE' }))).toBe(
      'This file is too large to send.',
    );
    expect(describeUploadError(gqlError({ code: 'FILE_TYPE_REFUSED', reason: '.exe' }))).toBe(
      'This type of file cannot be sent.',
    );
    expect(
      describeUploadError(
        gqlError({ code: 'FILE_TYPE_REFUSED', reason: 'TENANT_POLICY', kind: 'FILE' }),
      ),
    ).toBe('Your organisation does not allow sharing this kind of file.');
    expect(describeUploadError(gqlError({ code: 'QUOTA_EXCEEDED' }))).toBe(
      'The storage for your files is full.',
    );
  });

  it('maps the upload endpoint’s codes, and keeps other answers as any request says them', () => {
    const refused = (code: string | null) =>
      new UploadTransportError({ kind: 'refused', status: 413, code, message: 'Refused (413)' });
    expect(describeUploadError(refused('FILE_TOO_LARGE'))).toBe('This file is too large to send.');
    expect(describeUploadError(refused(null))).toBe('Refused (413)');
    expect(describeUploadError(new UploadTransportError({ kind: 'network' }))).toBe(
      'The network dropped the upload',
    );
    expect(describeUploadError(gqlError({ code: 'NOT_A_MEMBER' }))).toBe(
      'You are no longer a member of this conversation.',
    );
  });
});

describe('isFileRefused', () => {
  it('is true only where sending the same file again cannot work', () => {
    expect(isFileRefused(gqlError({ code: 'FILE_TYPE_REFUSED', reason: 'TENANT_POLICY' }))).toBe(
      true,
    );
    expect(isFileRefused(gqlError({ code: 'FILE_TOO_LARGE' }))).toBe(true);
    expect(
      isFileRefused(
        new UploadTransportError({
          kind: 'refused',
          status: 413,
          code: 'FILE_TOO_LARGE',
          message: '',
        }),
      ),
    ).toBe(true);
    expect(isFileRefused(gqlError({ code: 'RATE_LIMITED' }))).toBe(false);
    expect(isFileRefused(gqlError({ code: 'QUOTA_EXCEEDED' }))).toBe(false);
    expect(isFileRefused(new UploadTransportError({ kind: 'network' }))).toBe(false);
  });
});
