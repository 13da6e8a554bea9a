import { readFileSync } from 'node:fs';
import { TrustedDocuments } from '@chatter/graphql';
import { AppConfig, ConfigError } from '../platform/config';

const built = new WeakMap<AppConfig, TrustedDocuments>();

/**
 * The one trusted-documents object for a configuration, read from its manifest: the HTTP guard,
 * Apollo's persisted-query store and the graphql-ws gateway share it. A manifest that cannot be
 * read or fails its checks stops the API with one line naming TRUSTED_DOCUMENTS.
 */
export function trustedDocumentsFor(config: AppConfig): TrustedDocuments {
  let trusted = built.get(config);
  if (!trusted) {
    const { enforced, manifestPath } = config.graphql.trustedDocuments;
    if (!manifestPath) trusted = TrustedDocuments.none();
    else {
      try {
        trusted = TrustedDocuments.fromManifest(
          JSON.parse(readFileSync(manifestPath, 'utf8')) as unknown,
          enforced,
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ConfigError(
          'TRUSTED_DOCUMENTS',
          `TRUSTED_DOCUMENTS: the manifest ${manifestPath} cannot be used: ${reason}`,
        );
      }
    }
    built.set(config, trusted);
  }
  return trusted;
}
