// `#aws/cognito-identity` on Node (package.json "imports"): a static import,
// so bundlers bundle the Cognito Identity client into the server chunks that
// need it (fetchAuthSession) and `output: 'standalone'` ships it; edge,
// worker and browser builds get ./edgeRuntime.js instead.
export { CognitoIdentityClient, GetIdCommand, GetCredentialsForIdentityCommand } from '@aws-sdk/client-cognito-identity';
