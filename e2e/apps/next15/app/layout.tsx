import type { ReactNode } from 'react';

export const metadata = { title: 'next-server-auth · Next 15 edge test app' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
