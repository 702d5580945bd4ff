// What `#aws/*` resolves to under the edge-light, worker and browser
// conditions (Next's edge middleware): the AWS SDK is Node-only, so it never
// enters those bundles; importing this fails, and the caller reports it.
throw new Error('The AWS SDK runs on the Node.js runtime only (not the edge runtime)');

// A module (so it compiles to ESM like the rest of dist/), exporting nothing.
export {};
