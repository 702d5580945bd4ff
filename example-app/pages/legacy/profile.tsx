import type { GetServerSideProps } from 'next';
import { fetchAuthSession } from 'next-server-auth/server';
import { runWithServerContext } from '@/auth';

interface Props {
  email: string;
  username: string;
  groups: string[];
}

// Pages Router: the same runWithServerContext, with the Node request and
// response. A refresh here is written back through `res`.
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  const session = await runWithServerContext({
    nextServerContext: { request: req, response: res },
    operation: (ctx) => fetchAuthSession(ctx),
  });
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

export default function LegacyProfile({ email, username, groups }: Props) {
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
