// `#aws/cognito-identity-provider` on Node (package.json "imports"): a static
// import, so bundlers bundle the user-pool client into the server chunks of
// the cognito.* server actions and `output: 'standalone'` ships it; edge,
// worker and browser builds get ./edgeRuntime.js instead.
export { CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand, SignUpCommand, ConfirmSignUpCommand, ForgotPasswordCommand, ConfirmForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
