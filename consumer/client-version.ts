// Generated from package.json by tools/build/write-version.mjs (npm run build). Do not edit.
export const CLIENT_SOFTWARE_VERSION = '0.1.0'
