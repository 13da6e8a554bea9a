import { PageMetadata } from './link-preview';

/** Bytes of an image fetched for a preview, with the type its server claimed. */
export interface FetchedImage {
  bytes: Buffer;
  contentType: string;
}

/**
 * Fetches third-party pages for link previews. Implementations refuse every address that is not
 * a public Internet host AT CONNECT TIME (after DNS, on every redirect), cap redirects, bytes and
 * time, speak only http(s), and never throw: anything refused or failed is null.
 */
export abstract class LinkPreviewFetcher {
  /** The page's metadata, or null (not HTML, refused, failed, too slow). */
  abstract page(url: string): Promise<PageMetadata | null>;
  /** An image of at most `maxBytes`, or null (refused, failed, larger, not an image type). */
  abstract image(url: string, maxBytes: number): Promise<FetchedImage | null>;
}

/** Previews off (LINK_PREVIEWS=off, and tools): nothing is ever fetched. */
export class NoLinkPreviewFetcher extends LinkPreviewFetcher {
  override async page(): Promise<PageMetadata | null> {
    return null;
  }
  override async image(): Promise<FetchedImage | null> {
    return null;
  }
}
