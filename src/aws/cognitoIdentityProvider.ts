// `#aws/cognito-identity-provider` on Node (package.json "imports" →
// dist/aws/): a static re-export, so bundlers bundle the user-pool client into
// the server chunks of the cognito.* server actions and `output: 'standalone'`
// ships it; edge, worker and browser builds get ./edgeRuntime.js instead.
// Before a build (type check, Vitest) tsconfig `paths` and the Vitest alias
// point the specifier here.
export {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
