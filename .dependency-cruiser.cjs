// The layers of src/ and what may import what (docs/development.md explains them). Checked by
// test/architecture/layers.test.ts, so `npm test` fails on an import cycle or a layer breach.
// Type-only imports count (tsPreCompilationDeps): a type import is still a dependency of the
// design, and the one cycle this file was written for (model -> desired) was type-only.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make modules impossible to understand or test alone. Move the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-is-the-ground-floor',
      severity: 'error',
      comment: 'src/model/ holds the shared domain types; it imports nothing else from src/.',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/model/' },
    },
    {
      name: 'ground-floor-helpers',
      severity: 'error',
      comment: 'src/smithy/ (the AWS model reader), src/logging/ and src/json/ (JSON text helpers) import nothing else from src/.',
      from: { path: '^src/(smithy|logging|json)/' },
      to: { path: '^src/', pathNot: '^src/$1/' },
    },
    {
      name: 'planner-is-pure',
      severity: 'error',
      comment: 'The planner sees data (model types, the AWS model) and never I/O adapters, state or the loader.',
      from: { path: '^src/planner/' },
      to: { path: '^src/', pathNot: '^src/(planner|model|smithy|json)/' },
    },
    {
      name: 'adapters-stay-on-their-floor',
      severity: 'error',
      comment: 'desired/ (files), aws/ (AWS) and state/ (the state directory) are edges: they build on the ground floor (model, smithy, logging, json), never on each other or on anything above.',
      from: { path: '^src/(desired|aws|state)/' },
      to: { path: '^src/', pathNot: '^src/($1|model|smithy|logging|json)/' },
    },
    {
      name: 'emulator-stands-alone',
      severity: 'error',
      comment: 'The emulator is a separate program that shares only the AWS model reader.',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/(emulator|smithy)/' },
    },
    {
      name: 'only-entry-points-start-the-emulator',
      severity: 'error',
      comment: 'Only the CLI (the emulator command) and the runtime (npm start\'s embedded emulator) use the emulator.',
      from: { path: '^src/', pathNot: '^src/(cli|runtime|emulator)/' },
      to: { path: '^src/emulator/' },
    },
    {
      name: 'only-the-cli-uses-the-runtime',
      severity: 'error',
      comment: 'src/runtime/ (the daemon) is started by the CLI; nothing below it depends on it.',
      from: { path: '^src/', pathNot: '^src/(cli|runtime)/' },
      to: { path: '^src/runtime/' },
    },
    {
      name: 'cli-is-the-top',
      severity: 'error',
      comment: 'src/cli/ wires everything; nothing in src/ imports it.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-does-not-import-tests-or-tools',
      severity: 'error',
      comment: 'The product never depends on test/, bench/ or scripts/.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
