import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SignOutButton } from '@/components/SignOutButton';
import { getViewer, SESSION_UNAVAILABLE } from '@/lib/session';
import './globals.css';

export const metadata: Metadata = {
  title: 'Acme Notes',
  description: 'Example app for next-server-auth',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            Acme Notes
          </Link>
          <nav>
            <Link href="/dashboard">Dashboard</Link>
            <Link href="/admin">Admin</Link>
            <Link href="/team">Team</Link>
            <Link href="/sessions">Sessions</Link>
            <Link href="/client">Client</Link>
            <Link href="/amplify">Amplify</Link>
          </nav>
          <div className="account">
            {viewer === SESSION_UNAVAILABLE ? (
              <span className="who" data-testid="nav-unavailable">
                Session service unavailable
              </span>
            ) : viewer ? (
              <>
                <span className="who" data-testid="nav-user">
                  {viewer.email}
                </span>
                <SignOutButton />
              </>
            ) : (
              <>
                <a href="/api/auth/sign-in" className="button">
                  Sign in
                </a>
                <a href="/api/auth/sign-up" className="button secondary">
                  Sign up
                </a>
              </>
            )}
          </div>
        </header>
        <main>{children}</main>
        <footer>
          Signed in through next-server-auth ·{' '}
          {process.env.SESSION_MODE === 'server'
            ? 'sessions live on the server; your browser holds one small httpOnly cookie'
            : 'sessions are sealed, httpOnly cookies'}
        </footer>
      </body>
    </html>
  );
}
