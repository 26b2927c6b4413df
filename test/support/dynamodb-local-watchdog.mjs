// Watchdog for DynamoDB Local (see dynamodb-local.ts): holds the read end of a pipe from the test
// process. When the test process dies, even by SIGKILL, the pipe closes and this kills Java, so
// no JVM outlives the tests. Usage: node dynamodb-local-watchdog.mjs JAVA_PID
const pid = Number(process.argv[2]);
const killJava = () => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  process.exit(0);
};
process.stdin.on('data', () => undefined);
process.stdin.on('end', killJava);
process.stdin.on('error', killJava);
process.on('SIGTERM', () => process.exit(0));
