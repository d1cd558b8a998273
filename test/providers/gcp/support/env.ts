/**
 * Imported first by every Google Cloud test: nothing may probe the metadata server (169.254.169.254) or fall back
 * to a developer's own credentials.
 */
process.env.GCE_METADATA_HOST = '127.0.0.1:9';
process.env.GCE_METADATA_IP = '127.0.0.1:9';
process.env.METADATA_SERVER_DETECTION = 'none';
delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
delete process.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE;
delete process.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING;
delete process.env.GOOGLE_CLOUD_UNIVERSE_DOMAIN;
process.env.CLOUDSDK_CONFIG = '/nonexistent-cloud502-test-gcloud-config';

export const NO_METADATA_ENV = {
  GCE_METADATA_HOST: '127.0.0.1:9',
  GCE_METADATA_IP: '127.0.0.1:9',
  METADATA_SERVER_DETECTION: 'none',
  CLOUDSDK_CONFIG: '/nonexistent-cloud502-test-gcloud-config',
} as const;
