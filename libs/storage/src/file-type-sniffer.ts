import { fileTypeFromBuffer } from 'file-type';
import { ContentSniffer, SniffedType } from '@chatter/core';

/** File types from magic numbers, by the `file-type` package (its recommended 4100-byte head). */
export class FileTypeSniffer extends ContentSniffer {
  readonly headBytes = 4100;

  async sniff(head: Buffer): Promise<SniffedType | null> {
    const found = await fileTypeFromBuffer(head);
    return found ? { mime: found.mime, ext: found.ext } : null;
  }
}
