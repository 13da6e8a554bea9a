export * from './security-headers';
export * from './untrusted-proxy-warning';
