/** What the bytes of a file say it is, from its first bytes (magic numbers). */
export interface SniffedType {
  mime: string;
  ext: string;
}

/** Detects a file's type from its first bytes; null when the bytes match no known binary format. */
export abstract class ContentSniffer {
  /** How many leading bytes `sniff` wants. */
  abstract readonly headBytes: number;
  abstract sniff(head: Buffer): Promise<SniffedType | null>;
}
