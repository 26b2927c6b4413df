// The floor of a fresh-process pass, measured in the same run as the pass itself: start Node and
// import the two AWS SDK clients the tool uses, nothing else. Prints one JSON line on stdout.
//
//   node dist/bench/floor-worker.js node   - Node alone
//   node dist/bench/floor-worker.js sdk    - Node plus @aws-sdk/client-appflow and client-secrets-manager
const mode = process.argv[2] ?? 'sdk';
if (mode === 'sdk') {
  await import('@aws-sdk/client-appflow');
  await import('@aws-sdk/client-secrets-manager');
}
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ processCpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
