import type { GetServerSideProps } from 'next';
import { fetchAuthSession, isAuthError } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

type Props =
  | {
      email: string;
      username: string;
      groups: string[];
    }
  // Server sessions with Redis not answering: a 503 page, the cookie kept.
  | { unavailable: true };

// Pages Router: the same runWithServerContext, with the Node request and
// response. A refresh here is written back through `res`.
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  let session;
  try {
    session = await runWithServerContext({
      nextServerContext: { request: req, response: res },
      operation: (ctx) => fetchAuthSession(ctx),
    });
  } catch (err) {
    if (!isAuthError(err, 'StoreUnavailable')) throw err;
    res.statusCode = 503;
    res.setHeader('retry-after', '5');
    return { props: { unavailable: true } };
  }
  const id = session.tokens?.idToken.payload;
  const access = session.tokens?.accessToken.payload;
  if (!id || !access) {
    return { redirect: { destination: '/api/auth/sign-in?returnTo=/legacy/profile', permanent: false } };
  }
  const groups = id['cognito:groups'] ?? id.groups;
  return {
    props: {
      email: typeof id.email === 'string' ? id.email : '',
      username: typeof access.username === 'string' ? access.username : String(id.sub),
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    },
  };
};

export default function LegacyProfile(props: Props) {
  if ('unavailable' in props) {
    return (
      <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '40rem', margin: '3rem auto' }}>
        <h1>Temporarily unavailable</h1>
        <p>We cannot check your session right now; you are still signed in. Try again in a moment.</p>
      </main>
    );
  }
  const { email, username, groups } = props;
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '40rem', margin: '3rem auto' }}>
      <h1>Profile (Pages Router)</h1>
      <p>
        Signed in as <strong data-testid="user-email">{email}</strong>
      </p>
      <p>
        Username <code data-testid="username">{username}</code> · groups {groups.length > 0 ? groups.join(', ') : 'none'}
      </p>
      <p>
        <a href="/">Home</a>
      </p>
    </main>
  );
}
