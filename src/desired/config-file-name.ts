// The config file's name (src/config/ reads it). It lives here, in a module of its own, because
// the profile loader must skip it and desired/ may not import from the layers above it.
export const CONFIG_FILE_NAME = 'appflow-gitops.yaml';
