import type { KoaContext } from 'oidc-provider';

/**
 * An error of the Cognito user-pool JSON API, sent as Cognito sends it:
 * HTTP 400, `x-amzn-ErrorType: <type>:` and `{ "__type", "message" }`, so
 * the AWS SDK and Amplify raise an error whose `name` is `type`.
 *
 * @example
 * ```ts
 * throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
 * ```
 */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/**
 * Writes a {@link CognitoError} as Cognito's HTTP response.
 *
 * @example
 * ```ts
 * sendCognitoError(ctx, new CognitoError('InvalidParameterException', 'Missing Username'));
 * ```
 */
export function sendCognitoError(ctx: KoaContext, error: CognitoError): void {
  ctx.status = 400;
  ctx.type = 'application/x-amz-json-1.1';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('x-amzn-ErrorType', `${error.type}:`);
  ctx.body = JSON.stringify({ __type: error.type, message: error.message });
}
