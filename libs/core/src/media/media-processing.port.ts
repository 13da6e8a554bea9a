import { Attachment } from './attachment';

/**
 * Runs media processing (dimensions, thumbnail, placeholder) for a READY image, audio or video
 * attachment off the request path. `enqueue` returns at once and never throws: a failure leaves
 * the attachment a plain file, still downloadable.
 */
export abstract class MediaProcessing {
  abstract enqueue(attachment: Attachment): void;
}
