// The real AWS SDK client pointed at a dev IdP, as the Cognito JSON-API tests
// drive it, and how they read its errors.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/**
 * An AWS SDK Cognito client for the dev IdP at `issuer`. Cognito's
 * unauthenticated operations are not signed; the SDK still wants a region
 * and some credentials. One attempt: a refusal is the answer, not retried.
 * `destroy()` it after the tests.
 */
export function cognitoSdk(issuer: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: issuer, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, maxAttempts: 1 });
}

/** The SDK error a call rejects with, as name, message and HTTP status; throws if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected a rejection');
}
