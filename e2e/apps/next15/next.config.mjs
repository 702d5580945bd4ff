// The shared configuration (../../../next.config.mjs), as for example-app.
// One Next-15-only addition: `next build` on 15 also runs ESLint, which the
// root `npm run lint` already does for this folder (Next 16 has no `eslint`
// key, so it cannot live in the shared file).
import shared from '../../../next.config.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = { ...shared, eslint: { ignoreDuringBuilds: true } };

export default nextConfig;
