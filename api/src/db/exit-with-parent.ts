/**
 * Preloaded into the embedded devdb child (`node --import`). The API holds the write end of the child's
 * stdin; when it closes, the API is gone (even after a SIGKILL, which it cannot handle), so devdb stops
 * as on SIGTERM instead of living on as an orphan that holds the data directory's lock.
 */
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
