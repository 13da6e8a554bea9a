import { describe, expect, it } from 'vitest';
import { checkDeclaredType, decideContentType, isInlineType, kindOf } from './content-policy';
import { checkFileName, extensionOf } from './file-name';

const head = (text: string) => Buffer.from(text, 'utf8');

describe('checkDeclaredType', () => {
  it('normalises a media type and drops parameters', () => {
    expect(checkDeclaredType('a.txt', 'Text/Plain; charset=utf-8')).toBe('text/plain');
  });
  it.each([
    ['x.svg', 'text/plain'],
    ['x.txt', 'image/svg+xml'],
    ['x.html', 'application/octet-stream'],
    ['x.txt', 'text/html'],
    ['setup.exe', 'application/octet-stream'],
    ['x.bin', 'application/x-msdownload'],
    ['x.JS', 'text/plain'],
  ])('refuses %s declared as %s', (name, type) => {
    expect(() => checkDeclaredType(name, type)).toThrow(
      expect.objectContaining({ code: 'FILE_TYPE_REFUSED' }),
    );
  });
  it.each(['', 'image', 'a/b/c', 'text/pl ain', 'x'.repeat(200) + '/y'])(
    'refuses the malformed type %j',
    (type) => {
      expect(() => checkDeclaredType('a.txt', type)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    },
  );
});

describe('decideContentType', () => {
  it('trusts the bytes, not the declaration, for binary formats', () => {
    expect(
      decideContentType('application/octet-stream', { mime: 'image/png', ext: 'png' }, head('')),
    ).toEqual({ contentType: 'image/png', kind: 'IMAGE' });
    expect(decideContentType('image/jpeg', { mime: 'image/png', ext: 'png' }, head(''))).toEqual({
      contentType: 'image/png',
      kind: 'IMAGE',
    });
  });
  it('keeps the audio type of an audio-only WebM recording', () => {
    expect(decideContentType('audio/webm', { mime: 'video/webm', ext: 'webm' }, head(''))).toEqual({
      contentType: 'audio/webm',
      kind: 'AUDIO',
    });
  });
  it('refuses executables and bytes that contradict a declared media type', () => {
    for (const [declared, mime, ext] of [
      ['image/png', 'application/x-msdownload', 'exe'],
      ['application/octet-stream', 'application/x-elf', 'elf'],
      ['image/jpeg', 'application/pdf', 'pdf'],
      ['audio/mpeg', 'image/png', 'png'],
    ] as const) {
      expect(() => decideContentType(declared, { mime, ext }, head(''))).toThrow(
        expect.objectContaining({ code: 'FILE_TYPE_REFUSED' }),
      );
    }
    expect(() => decideContentType('image/png', null, head('plain text'))).toThrow(
      expect.objectContaining({ code: 'FILE_TYPE_REFUSED' }),
    );
  });
  it('refuses markup whatever it is declared as', () => {
    for (const text of [
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      '\uFEFF\n <!doctype html><p>',
      '<?xml version="1.0"?>',
      '<HTML>',
      '<script>alert(1)</script>',
    ]) {
      expect(() => decideContentType('text/plain', null, head(text))).toThrow(
        expect.objectContaining({ code: 'FILE_TYPE_REFUSED' }),
      );
    }
  });
  it('keeps UTF-8 text as declared text, anything else as octet-stream', () => {
    expect(decideContentType('text/csv', null, head('a,b\n1,2 ünïcødé'))).toEqual({
      contentType: 'text/csv',
      kind: 'FILE',
    });
    expect(decideContentType('text/plain', null, Buffer.from([0xff, 0xfe, 0, 1]))).toEqual({
      contentType: 'application/octet-stream',
      kind: 'FILE',
    });
    // A head cut in the middle of a multi-byte character is still text.
    expect(decideContentType('text/plain', null, head('ab é').subarray(0, 4))).toEqual({
      contentType: 'text/plain',
      kind: 'FILE',
    });
  });
  it('shows only raster images, audio and video inline', () => {
    expect(kindOf('image/tiff')).toBe('FILE');
    expect(kindOf('video/mp4')).toBe('VIDEO');
    expect(isInlineType('image/svg+xml')).toBe(false);
    expect(isInlineType('application/pdf')).toBe(false);
    expect(isInlineType(null)).toBe(false);
  });
});

describe('checkFileName', () => {
  it('returns an accepted name verbatim', () => {
    expect(checkFileName(' Zoë 🧑‍🚀.tar.gz')).toBe(' Zoë 🧑‍🚀.tar.gz');
    expect(extensionOf('a.Tar.GZ')).toBe('gz');
    expect(extensionOf('.bashrc')).toBe('');
  });
  it.each(['a/b', 'a\\b', '..', '...', '   ', '\u0000', 'a\u202Eb', 'x'.repeat(256), '\uD800'])(
    'refuses %j',
    (name) => {
      expect(() => checkFileName(name)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    },
  );
});
