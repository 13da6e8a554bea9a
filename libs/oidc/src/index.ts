export { OpenidClientOidc } from './openid-client-oidc';
