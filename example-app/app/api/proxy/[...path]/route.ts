import { createApiProxy } from '@/auth';

// The browser calls /api/proxy/notes (same origin, its session cookie); this
// route attaches the user's access token on the server and forwards to the
// resource server (example-app/resource-server.mjs, which `npm start` runs).
// Only the prefixes listed here reach an upstream: any other path, and any
// spelling that could climb out of /notes (`..`, encoded slashes, `//`, an
// absolute URL), is refused before a request leaves.
const resource = `http://127.0.0.1:${process.env.RESOURCE_PORT ?? 3400}`;

export const { GET, POST, PUT, PATCH, DELETE } = createApiProxy({
  routes: { '/api/proxy/notes': `${resource}/notes` },
});
