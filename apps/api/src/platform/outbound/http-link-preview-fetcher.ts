import { FetchedImage, LinkPreviewFetcher, PageMetadata } from '@chatter/core';
import { guardedGet } from './guarded-get';
import { decodeHtml, htmlMetadata } from './html-metadata';
import { OutboundAddressPolicy, Resolve } from './outbound-address-policy';

export interface HttpLinkPreviewFetcherOptions {
  /** CIDR ranges reachable despite being private (LINK_PREVIEW_ALLOW_RANGES; tests). */
  allowRanges: readonly string[];
  timeoutMs: number;
  /** HTML bytes read at most (the head is what matters; the rest is cut). */
  maxHtmlBytes?: number;
  maxRedirects?: number;
  /** DNS override (tests resolve names to private addresses without touching /etc/hosts). */
  resolve?: Resolve;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Link preview pages and images over {@link guardedGet}: public hosts on the standard ports
 * 80 and 443 only (plus the operator's allow-ranges), at most 5 redirects, 512 KB of HTML.
 */
export class HttpLinkPreviewFetcher extends LinkPreviewFetcher {
  private readonly policy: OutboundAddressPolicy;

  constructor(private readonly options: HttpLinkPreviewFetcherOptions) {
    super();
    this.policy = new OutboundAddressPolicy({
      allowRanges: options.allowRanges,
      ports: [80, 443],
    });
  }

  override async page(url: string): Promise<PageMetadata | null> {
    try {
      const response = await guardedGet(url, {
        ...this.common(),
        maxBytes: this.options.maxHtmlBytes ?? 512 * 1024,
        truncate: true,
        accept: (type) => HTML_TYPES.has(type),
        acceptHeader: 'text/html,application/xhtml+xml;q=0.9',
      });
      return htmlMetadata(decodeHtml(response.body, response.charset), response.url);
    } catch {
      return null;
    }
  }

  override async image(url: string, maxBytes: number): Promise<FetchedImage | null> {
    try {
      const response = await guardedGet(url, {
        ...this.common(),
        maxBytes,
        truncate: false,
        accept: (type) => type.startsWith('image/') && type !== 'image/svg+xml',
        acceptHeader: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9',
      });
      return { bytes: response.body, contentType: response.mediaType };
    } catch {
      return null;
    }
  }

  private common() {
    return {
      policy: this.policy,
      timeoutMs: this.options.timeoutMs,
      maxRedirects: this.options.maxRedirects ?? 5,
      resolve: this.options.resolve,
    };
  }
}
