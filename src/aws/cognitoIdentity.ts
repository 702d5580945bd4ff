// `#aws/cognito-identity` on Node (package.json "imports" → dist/aws/): a
// static re-export, so bundlers bundle the Cognito Identity client into the
// server chunks that need it (fetchAuthSession) and `output: 'standalone'`
// ships it; edge, worker and browser builds get ./edgeRuntime.js instead.
// Before a build (type check, Vitest) tsconfig `paths` and the Vitest alias
// point the specifier here.
export { CognitoIdentityClient, GetIdCommand, GetCredentialsForIdentityCommand } from '@aws-sdk/client-cognito-identity';
